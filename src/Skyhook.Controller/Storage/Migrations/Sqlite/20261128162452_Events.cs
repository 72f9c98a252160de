using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Skyhook.Controller.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Events : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "EventsAcknowledged",
                table: "gateways",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "EventsDropped",
                table: "gateways",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "EventsPending",
                table: "gateways",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.CreateTable(
                name: "events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    GatewayId = table.Column<int>(type: "INTEGER", nullable: true),
                    GatewayName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    AtMs = table.Column<long>(type: "INTEGER", nullable: false),
                    User = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    VpnAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    SessionId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Verdict = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Rule = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Protocol = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    Destination = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Port = table.Column<int>(type: "INTEGER", nullable: true),
                    Container = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Service = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    QueryType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    ResultCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Answer = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    Method = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Path = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    Scheme = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    PublicAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ClientVersion = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    EndedMs = table.Column<long>(type: "INTEGER", nullable: true),
                    BytesFromClient = table.Column<long>(type: "INTEGER", nullable: true),
                    BytesToClient = table.Column<long>(type: "INTEGER", nullable: true),
                    PacketsFromClient = table.Column<long>(type: "INTEGER", nullable: true),
                    PacketsToClient = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_events", x => x.Id);
                    table.ForeignKey(
                        name: "FK_events_gateways_GatewayId",
                        column: x => x.GatewayId,
                        principalTable: "gateways",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_events_AtMs",
                table: "events",
                column: "AtMs");

            migrationBuilder.CreateIndex(
                name: "IX_events_Container_AtMs",
                table: "events",
                columns: new[] { "Container", "AtMs" });

            migrationBuilder.CreateIndex(
                name: "IX_events_GatewayId_Sequence",
                table: "events",
                columns: new[] { "GatewayId", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_events_Kind_AtMs",
                table: "events",
                columns: new[] { "Kind", "AtMs" });

            migrationBuilder.CreateIndex(
                name: "IX_events_Service_AtMs",
                table: "events",
                columns: new[] { "Service", "AtMs" });

            migrationBuilder.CreateIndex(
                name: "IX_events_User_AtMs",
                table: "events",
                columns: new[] { "User", "AtMs" });

            migrationBuilder.CreateIndex(
                name: "IX_events_Verdict_AtMs",
                table: "events",
                columns: new[] { "Verdict", "AtMs" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "events");

            migrationBuilder.DropColumn(
                name: "EventsAcknowledged",
                table: "gateways");

            migrationBuilder.DropColumn(
                name: "EventsDropped",
                table: "gateways");

            migrationBuilder.DropColumn(
                name: "EventsPending",
                table: "gateways");
        }
    }
}
