// A REP echo server as a .NET worker service: `dotnet run --project examples/Zera.Examples.Hosting -- --endpoint
// tcp://*:5555`. Ctrl-C (or SIGTERM) stops the host, which stops the worker and then terminates the context.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Zera.Examples.Hosting;
using Zera.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddZera(options => options.TerminationTimeout = TimeSpan.FromSeconds(10));
builder.Services.AddHostedService<EchoWorker>();
await builder.Build().RunAsync();
