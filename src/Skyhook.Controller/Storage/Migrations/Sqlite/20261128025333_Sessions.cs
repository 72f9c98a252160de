using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Skyhook.Controller.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Sessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LiveSessionsJson",
                table: "gateways",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ended_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    GroupId = table.Column<int>(type: "INTEGER", nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false),
                    EndedAt = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ended_sessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ended_sessions_gateway_groups_GroupId",
                        column: x => x.GroupId,
                        principalTable: "gateway_groups",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ended_sessions_GroupId",
                table: "ended_sessions",
                column: "GroupId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ended_sessions");

            migrationBuilder.DropColumn(
                name: "LiveSessionsJson",
                table: "gateways");
        }
    }
}
