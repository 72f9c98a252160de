var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();

// The controller's API, storage and console arrive with the controller issue; until then it only
// answers its health probe so that the lab and deployment scripts have something to start.
app.MapGet("/healthz", () => TypedResults.Ok("ok"));

app.Run();
