using System.Reflection;
using System.Text;
using Skyhook.Controller.Events;
using Skyhook.Controller.Events.Export;
using Skyhook.Core.Contracts;

namespace Skyhook.Controller.Tests.Export;

public sealed class SyslogFormatterTests
{
    private const string Sd = "[skyhook@32473 ";
    private static readonly SyslogFormatter Formatter = new(16, "ctl1");

    public static TheoryData<string, string> Lines() => new()
    {
        {
            "connect",
            "<134>1 2025-03-01T12:00:00.500000Z gw1 skyhook - session " + Sd + "id=\"1\" seq=\"11\" user=\"alice\" vpnAddress=\"192.168.43.10\" "
            + "sessionId=\"0123456789abcdef0123456789abcdef\" action=\"connect\" publicAddress=\"203.0.113.5\" clientVersion=\"2.6.9\"] "
            + "alice connect 192.168.43.10 from 203.0.113.5"
        },
        {
            "refused",
            "<132>1 2025-03-01T12:00:00.500000Z gw1 skyhook - session " + Sd + "id=\"2\" seq=\"12\" user=\"mallory\" action=\"refused\" "
            + "publicAddress=\"203.0.113.66\" reason=\"wrong one-time code\"] mallory refused from 203.0.113.66: wrong one-time code"
        },
        {
            "flow",
            "<134>1 2025-03-01T12:00:00.500000Z gw1 skyhook - flow " + Sd + "id=\"3\" seq=\"13\" user=\"alice\" vpnAddress=\"192.168.43.10\" "
            + "sessionId=\"0123456789abcdef0123456789abcdef\" verdict=\"allowed\" rule=\"profile dev: rule 1\" protocol=\"tcp\" "
            + "destination=\"10.0.0.12\" port=\"80\" container=\"web1\" ended=\"2025-03-01T12:00:03.500000Z\" bytesFromClient=\"100\" "
            + "bytesToClient=\"2000\" packetsFromClient=\"3\" packetsToClient=\"4\"] alice tcp 10.0.0.12:80 web1 allowed"
        },
        {
            "deniedFlow",
            "<133>1 2025-03-01T12:00:00.500000Z gw2 skyhook - flow " + Sd + "id=\"4\" seq=\"14\" user=\"bob\" vpnAddress=\"192.168.44.7\" "
            + "verdict=\"denied\" rule=\"profile ops: base policy deny\" protocol=\"udp\" destination=\"fd00::5\" port=\"53\" "
            + "packetsFromClient=\"1\"] bob udp [fd00::5]:53 denied"
        },
        {
            "dns",
            "<134>1 2025-03-01T12:00:00.500000Z gw1 skyhook - dns " + Sd + "id=\"5\" seq=\"15\" user=\"alice\" vpnAddress=\"192.168.43.10\" "
            + "verdict=\"allowed\" container=\"web1\" service=\"shop_web\" name=\"web1.apps.internal\" queryType=\"A\" resultCode=\"NOERROR\" "
            + "answer=\"10.0.0.12\"] alice A web1.apps.internal NOERROR allowed"
        },
        {
            "web",
            "<134>1 2025-03-01T12:00:00.500000Z gw1 skyhook - web " + Sd + "id=\"6\" seq=\"16\" user=\"alice\" vpnAddress=\"192.168.43.10\" "
            + "verdict=\"allowed\" protocol=\"tcp\" destination=\"10.0.0.12\" port=\"80\" container=\"web1\" name=\"web1\" method=\"GET\" "
            + "path=\"/orders?id=7\" scheme=\"http\"] alice GET http://web1/orders?id=7 web1 allowed"
        },
        {
            "audit",
            "<133>1 2025-03-01T12:00:00.500000Z ctl1 skyhook - audit " + Sd + "id=\"7\" user=\"admin\" action=\"users.update\" name=\"alice\"] "
            + "admin users.update alice"
        },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Format_EachKind_ExactLine(string sample, string expected)
    {
        var stored = (StoredEvent)typeof(SampleEvents).GetField(char.ToUpperInvariant(sample[0]) + sample[1..])!.GetValue(null)!;

        var line = Formatter.Format(stored);

        Assert.Equal(expected, line);
        Rfc5424.Parse(Encoding.UTF8.GetBytes(line));
    }

    [Fact]
    public void Format_Facility_SetsPriority()
    {
        // auth (4) * 8 + notice (5): a denied flow.
        Assert.StartsWith("<37>1 ", new SyslogFormatter(4, "ctl1").Format(SampleEvents.DeniedFlow), StringComparison.Ordinal);
        Assert.StartsWith("<6>1 ", new SyslogFormatter(0, "ctl1").Format(SampleEvents.Flow), StringComparison.Ordinal);
    }

    [Fact]
    public void Format_QuoteBackslashBracket_EscapedAndReadBack()
    {
        var path = "/a\"b\\c]d[e=f g";
        var stored = SampleEvents.Web with { Event = SampleEvents.Web.Event with { Path = path } };

        var line = Formatter.Format(stored);

        Assert.Contains(" path=\"/a\\\"b\\\\c\\]d[e=f g\" ", line, StringComparison.Ordinal);
        Assert.Equal(path, Rfc5424.Parse(line).Parameters(SyslogFormatter.StructuredDataId)["path"]);
    }

    [Theory]
    [InlineData("/x\r\nSet-Cookie: a=b", "/x#015#012Set-Cookie: a=b")]
    [InlineData("a\0b", "a#000b")]
    [InlineData("tab\there\u007f\u0085", "tab#011here#177#205")]
    public void Format_ControlCharacters_NeverBreakTheLine(string path, string written)
    {
        var stored = SampleEvents.Web with
        {
            Gateway = "gw\n1",
            Event = SampleEvents.Web.Event with { Path = path, Name = "evil\r\nhost", User = "a\nb" },
        };

        var line = Formatter.Format(stored);

        Assert.DoesNotContain(line, c => c < ' ' || c is >= '\u007f' and <= '\u009f');
        var parsed = Rfc5424.Parse(line);
        Assert.Equal("gw_1", parsed.HostName);
        Assert.Equal(written, parsed.Parameters(SyslogFormatter.StructuredDataId)["path"]);
        Assert.Contains("evil#015#012host", parsed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_LongFields_Capped()
    {
        var stored = new StoredEvent(1, new string('g', 300), SampleEvents.Web.Event with
        {
            Kind = "web" + new string('k', 40),
            Path = "/" + new string('p', 5000),
            Name = new string('"', 3000),
        });

        var parsed = Rfc5424.Parse(Formatter.Format(stored));

        Assert.Equal(SyslogFormatter.MaxHostName, parsed.HostName.Length);
        Assert.Equal(SyslogFormatter.MaxMessageId, parsed.MessageId.Length);
        var parameters = parsed.Parameters(SyslogFormatter.StructuredDataId);
        Assert.Equal(SyslogFormatter.MaxValueChars, parameters["path"].Length);
        Assert.EndsWith("p…", parameters["path"], StringComparison.Ordinal);
        // Each quote is written as two characters, and an escape is never cut in half.
        Assert.Equal((SyslogFormatter.MaxValueChars - 1) / 2, parameters["name"].Count(c => c == '"'));
        Assert.True(parsed.Message!.Length <= SyslogFormatter.MaxMessageChars);
    }

    [Fact]
    public void Format_ValueOfExactlyMax_KeptWhole()
    {
        var path = new string('p', SyslogFormatter.MaxValueChars);
        var stored = SampleEvents.Web with { Event = SampleEvents.Web.Event with { Path = path } };

        Assert.Equal(path, Rfc5424.Parse(Formatter.Format(stored)).Parameters(SyslogFormatter.StructuredDataId)["path"]);
    }

    [Fact]
    public void Parameters_EveryEventField_Written()
    {
        // A field added to TelemetryEvent must reach syslog too (JSON lines gets it through the serializer).
        var header = new[] { nameof(TelemetryEvent.Kind), nameof(TelemetryEvent.At), nameof(TelemetryEvent.Sequence) };
        var fields = typeof(TelemetryEvent).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name != "EqualityContract" && !header.Contains(p.Name))
            .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]);
        var all = SampleEvents.All.SelectMany(SyslogFormatter.Parameters).Select(p => p.Name).ToHashSet();

        Assert.All(fields, field => Assert.Contains(field, all));
    }

    [Fact]
    public void Format_RandomText_AlwaysParsesBack()
    {
        var random = new Random(5424);
        string[] pool = ["a", "Z", " ", "\"", "\\", "]", "[", "=", "\r", "\n", "\0", "\t", "\u007f", "\u0085", "é", "ß", "日", "😀", "\ud800", "\udc00", "#", "-"];
        string Text() => string.Concat(Enumerable.Range(0, random.Next(0, 60)).Select(_ => pool[random.Next(pool.Length)]));

        for (var i = 0; i < 2000; i++)
        {
            var e = new TelemetryEvent(i, Text(), SampleEvents.At, Text(), Text(), Text(), Text(), Text(), Text(), Text(), Text(),
                i, Text(), Text(), Text(), Text(), Text(), Text(), Text(), Text(), Text(), Text(), Text(), Text());
            var stored = new StoredEvent(i + 1, random.Next(4) == 0 ? null : Text(), e);
            var bytes = Encoding.UTF8.GetBytes(Formatter.Format(stored));

            Assert.DoesNotContain(bytes, b => b is (byte)'\n' or (byte)'\r' or 0);
            var parsed = Rfc5424.Parse(bytes);
            var parameters = parsed.Parameters(SyslogFormatter.StructuredDataId);
            Assert.Equal(Cleaned(e.Path!), parameters.GetValueOrDefault("path", ""));
            Assert.Equal(Cleaned(e.User!), parameters.GetValueOrDefault("user", ""));
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), parameters["id"]);
        }
    }

    /// <summary>What a value reads as after the round trip: control characters as #ooo, lone surrogates as U+FFFD.</summary>
    private static string Cleaned(string value)
    {
        var result = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                result.Append(c).Append(value[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                result.Append('\ufffd');
            }
            else if (c < ' ' || c is >= '\u007f' and <= '\u009f')
            {
                result.Append('#').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }
}
