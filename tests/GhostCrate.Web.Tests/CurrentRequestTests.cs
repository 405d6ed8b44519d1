using System.Net;
using GhostCrate.Web.Http;
using GhostCrate.Web.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GhostCrate.Web.Tests;

public class CurrentRequestTests
{
    [Fact]
    public async Task The_server_reuses_a_connections_HttpContext_from_one_request_to_the_next()
    {
        // Registering ASP.NET Core's IHttpContextAccessor (by us or by a library) would turn this reuse off for every
        // request, the fast paths' too.
        var seen = new ContextRecorder();
        await using var app = await TestApp.StartAsync(overrideServices: services => services.Insert(0, ServiceDescriptor.Singleton<IStartupFilter>(seen)));
        using var client = app.Client();

        foreach (var path in new[] { "/index/config.json", "/index/config.json", "/index/no/ne/nonexistent", "/health" })
        {
            using var response = await client.GetAsync(path);
            Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        Assert.Equal(4, seen.Contexts.Count);
        Assert.All(seen.Contexts, context => Assert.Same(seen.Contexts[0], context));
    }

    [Fact]
    public async Task The_current_request_is_seen_inside_it_and_by_nothing_that_outlives_it()
    {
        var services = new ServiceCollection().BuildServiceProvider();
        var current = new CurrentRequest();
        var app = new ApplicationBuilder(services);
        CurrentRequest.Use(app);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        HttpContext? during = null;
        Task<HttpContext?>? afterwards = null;
        app.Run(context =>
        {
            during = current.HttpContext;
            // Work the request starts and does not wait for: it inherits the request's ExecutionContext.
            afterwards = Task.Run(async () =>
            {
                await release.Task;
                return current.HttpContext;
            });
            return Task.CompletedTask;
        });
        var request = new DefaultHttpContext();

        Assert.Null(current.HttpContext);
        await app.Build()(request);
        release.SetResult();

        Assert.Same(request, during);
        Assert.Null(await afterwards!);
        Assert.Null(current.HttpContext);
    }

    private sealed class ContextRecorder : IStartupFilter
    {
        public List<HttpContext> Contexts { get; } = [];

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                lock (Contexts) Contexts.Add(context);
                return following(context);
            });
            next(app);
        };
    }
}
