using System.CommandLine;
using Skyhook.Cli.Commands;
using Skyhook.Cli.Lab;

var root = new RootCommand("skyhook: reach containers on Docker overlay networks over a VPN, per user, with MFA and logging.")
{
    SetupCommands.Setup(),
    SetupCommands.Login(),
    UsersCommands.Create(),
    ProfilesCommands.Create(),
    AccessCommands.Create(),
    GroupsCommands.Groups(),
    GroupsCommands.ContainerAccess(),
    GatewaysCommands.Gateways(),
    GatewaysCommands.Vpn(),
    SessionsCommands.Create(),
    EventsCommands.Create(),
    LabCommands.Create(),
};
return await root.Parse(args).InvokeAsync();
