using Skyhook.Controller.Access;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Auth;
using Skyhook.Controller.GatewayApi;
using Skyhook.Controller.Gateways;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Pki;
using Skyhook.Controller.Profiles;
using Skyhook.Controller.Setup;
using Skyhook.Controller.Storage;
using Skyhook.Controller.Users;

var builder = WebApplication.CreateBuilder(args);
builder.AddControllerHost();
builder.AddControllerTls();
builder.AddStorage();
builder.AddAudit();
builder.AddAuth();
builder.AddSetup();
builder.AddGroups();
builder.AddPki();
builder.AddGatewayApi();

var app = builder.Build();
app.UseControllerHost();
app.MapHealth();
app.MapSetupApi();
app.MapAuthApi();
app.MapUsersApi();
app.MapProfilesApi();
app.MapAccessApi();
app.MapAuditApi();
app.MapGroupsApi();
app.MapGatewaysApi();
app.MapVpnProfileApi();
app.MapGatewayApi();

app.Run();
