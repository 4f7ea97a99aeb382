using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Html;

namespace Exchange.Portal.Charts;

public sealed record Series(string Name, string CssClass, IReadOnlyList<double> Values);

/// <summary>
/// Charts drawn on the server as inline SVG: no script, no chart library, readable by screen
/// readers (a title and description, and each bar carries its value as a tooltip title).
/// </summary>
public static class SvgChart
{
    private const int Width = 640;
    private const int Height = 240;
    private const int Left = 72;
    private const int Bottom = 28;
    private const int Top = 20;

    /// <summary>Grouped bars: one group per label, one bar per series.</summary>
    public static IHtmlContent Bars(string id, string title, IReadOnlyList<string> labels, IReadOnlyList<Series> series, double? maxValue = null, string unit = "")
    {
        var max = maxValue ?? WholeAxisTop(series.SelectMany(s => s.Values).DefaultIfEmpty(0).Max());
        var plotHeight = Height - Bottom - Top;
        var groupWidth = (Width - Left - 8) / (double)Math.Max(1, labels.Count);
        var barWidth = groupWidth * 0.8 / Math.Max(1, series.Count);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" id=\"{id}\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{Encode(title)}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<desc id=\"{id}-desc\">{Encode(Describe(labels, series, unit))}</desc>");

        foreach (var fraction in new[] { 0, 0.5, 1 })
        {
            var y = Top + plotHeight * (1 - fraction);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - 4}\" y1=\"{F(y)}\" y2=\"{F(y)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 4}\" y=\"{F(y + 4)}\" text-anchor=\"end\">{F(max * fraction)}{Encode(unit)}</text>");
        }

        for (var i = 0; i < labels.Count; i++)
        {
            var groupX = Left + 4 + i * groupWidth + groupWidth * 0.1;
            for (var s = 0; s < series.Count; s++)
            {
                var value = i < series[s].Values.Count ? series[s].Values[i] : 0;
                var h = plotHeight * Math.Clamp(value / max, 0, 1);
                var x = groupX + s * barWidth;
                svg.Append(CultureInfo.InvariantCulture,
                    $"<rect class=\"{series[s].CssClass}\" x=\"{F(x)}\" y=\"{F(Top + plotHeight - h)}\" width=\"{F(Math.Max(1, barWidth - 2))}\" height=\"{F(h)}\"><title>{Encode($"{series[s].Name}, {labels[i]}: {F(value)}{unit}")}</title></rect>");
            }

            // Every other label is "minor": a phone, where the chart's text is drawn larger, shows half of them.
            var minor = labels.Count > 6 && i % 2 == 1 ? " class=\"minor\"" : "";
            svg.Append(CultureInfo.InvariantCulture, $"<text{minor} x=\"{F(groupX + groupWidth * 0.4)}\" y=\"{Height - 6}\" text-anchor=\"middle\">{Encode(labels[i])}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{Left}\" x2=\"{Width - 4}\" y1=\"{Top + plotHeight}\" y2=\"{Top + plotHeight}\"/>");
        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>
    /// The axis is marked at 0, half and the top: an even whole top keeps every mark a whole number
    /// (counts of requests have no halves).
    /// </summary>
    public static double WholeAxisTop(double largest) => Math.Max(2, Math.Ceiling(largest / 2) * 2);

    private static string Describe(IReadOnlyList<string> labels, IReadOnlyList<Series> series, string unit) =>
        string.Join("; ", series.Select(s => s.Name + ": " + string.Join(", ",
            labels.Select((l, i) => $"{l} {F(i < s.Values.Count ? s.Values[i] : 0)}{unit}"))));

    private static string F(double value) => Math.Round(value, 1).ToString(CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
