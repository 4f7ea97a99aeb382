global using Microsoft.AspNetCore.Hosting;
global using Microsoft.Extensions.DependencyInjection;
