using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Skyhook.Controller.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GatewayEventsPending : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "EventsPending",
                table: "gateways",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EventsPending",
                table: "gateways");
        }
    }
}
