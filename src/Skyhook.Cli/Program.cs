using System.CommandLine;
using Skyhook.Cli.Lab;

var root = new RootCommand("skyhook: reach containers on Docker overlay networks over a VPN, per user, with MFA and logging.")
{
    LabCommands.Create(),
};
return await root.Parse(args).InvokeAsync();
