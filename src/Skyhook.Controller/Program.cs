using Skyhook.Controller.Access;
using Skyhook.Controller.Audit;
using Skyhook.Controller.Events.Export;
using Skyhook.Controller.Auth;
using Skyhook.Controller.Events;
using Skyhook.Controller.GatewayApi;
using Skyhook.Controller.Gateways;
using Skyhook.Controller.Groups;
using Skyhook.Controller.Hosting;
using Skyhook.Controller.Pki;
using Skyhook.Controller.Profiles;
using Skyhook.Controller.Sessions;
using Skyhook.Controller.Setup;
using Skyhook.Controller.Storage;
using Skyhook.Controller.Users;
using Skyhook.Controller.Web;

// The content root is where the binary is, not the working directory: its appsettings.json (log
// levels, defaults) applies however and from wherever the controller is started.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddControllerHost();
builder.AddControllerTls();
builder.AddStorage();
builder.AddAudit();
builder.AddAuth();
builder.AddUsers();
builder.AddProfiles();
builder.AddAccess();
builder.AddSetup();
builder.AddGroups();
builder.AddGateways();
builder.AddSessions();
builder.AddEvents();
builder.AddPki();
builder.AddGatewayApi();
builder.AddConsole();
builder.AddEventExport();

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
app.MapSessionsApi();
app.MapEventsApi();
app.MapVpnProfileApi();
app.MapGatewayApi();
app.MapConsole();

app.Run();
