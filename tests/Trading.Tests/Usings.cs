global using Microsoft.AspNetCore.Builder;
global using Microsoft.Extensions.DependencyInjection;
global using Newtonsoft.Json.Linq;
global using Microsoft.Extensions.Logging;
