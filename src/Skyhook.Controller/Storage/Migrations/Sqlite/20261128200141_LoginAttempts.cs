using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Skyhook.Controller.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LoginAttempts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LastTotpAttempt",
                table: "users",
                type: "TEXT",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LastTotpAttempt",
                table: "users");
        }
    }
}
