// Draws training curves (loss against step, one line per run) as a self-contained SVG, so the demo
// needs no plotting package: linear axes with a few ticks, a legend, fixed colours. Not a general
// charting library: one panel, lines only, non-negative step axis.
using System.Globalization;
using System.Net;
using System.Text;

namespace LlmMlNet.Cli.Display;

/// <summary>One named line of (x, y) points.</summary>
internal sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>Renders line charts to SVG text.</summary>
internal static class SvgLineChart
{
    private static readonly string[] Colours = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
    private const int Width = 760, Height = 420, Left = 64, Right = 190, Top = 36, Bottom = 48;

    /// <summary>An SVG document plotting <paramref name="series"/> (empty series are listed in the legend only).</summary>
    public static string Render(string title, string xLabel, string yLabel, IReadOnlyList<ChartSeries> series)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y)).ToList();
        double xMax = points.Count == 0 ? 1 : Math.Max(1, points.Max(p => p.X));
        double yMin = points.Count == 0 ? 0 : Math.Min(0, points.Min(p => p.Y));
        double yMax = points.Count == 0 ? 1 : Math.Max(yMin + 1e-6, points.Max(p => p.Y));
        double plotW = Width - Left - Right, plotH = Height - Top - Bottom;
        string X(double x) => F(Left + x / xMax * plotW);
        string Y(double y) => F(Top + plotH - (y - yMin) / (yMax - yMin) * plotH);

        var svg = new StringBuilder();
        svg.AppendLine($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">");
        svg.AppendLine($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>");
        svg.AppendLine($"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>");
        svg.AppendLine($"<rect x=\"{Left}\" y=\"{Top}\" width=\"{F(plotW)}\" height=\"{F(plotH)}\" fill=\"none\" stroke=\"#444\"/>");
        for (int i = 0; i <= 4; i++)
        {
            double xv = xMax * i / 4, yv = yMin + (yMax - yMin) * i / 4;
            svg.AppendLine($"<line x1=\"{X(xv)}\" y1=\"{F(Top + plotH)}\" x2=\"{X(xv)}\" y2=\"{F(Top + plotH + 5)}\" stroke=\"#444\"/>");
            svg.AppendLine($"<text x=\"{X(xv)}\" y=\"{F(Top + plotH + 18)}\" text-anchor=\"middle\">{F(xv, "0.#")}</text>");
            svg.AppendLine($"<line x1=\"{Left}\" y1=\"{Y(yv)}\" x2=\"{F(Left + plotW)}\" y2=\"{Y(yv)}\" stroke=\"#ddd\"/>");
            svg.AppendLine($"<text x=\"{Left - 6}\" y=\"{Y(yv)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{F(yv, "0.##")}</text>");
        }
        svg.AppendLine($"<text x=\"{F(Left + plotW / 2)}\" y=\"{Height - 8}\" text-anchor=\"middle\">{Escape(xLabel)}</text>");
        svg.AppendLine($"<text x=\"16\" y=\"{F(Top + plotH / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {F(Top + plotH / 2)})\">{Escape(yLabel)}</text>");
        for (int s = 0; s < series.Count; s++)
        {
            var colour = Colours[s % Colours.Length];
            var line = series[s].Points.Where(p => double.IsFinite(p.Y)).Select(p => $"{X(p.X)},{Y(p.Y)}");
            if (series[s].Points.Count > 0)
                svg.AppendLine($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.8\" points=\"{string.Join(' ', line)}\"/>");
            int ly = Top + 10 + s * 20;
            svg.AppendLine($"<line x1=\"{Width - Right + 14}\" y1=\"{ly}\" x2=\"{Width - Right + 38}\" y2=\"{ly}\" stroke=\"{colour}\" stroke-width=\"3\"/>");
            svg.AppendLine($"<text x=\"{Width - Right + 44}\" y=\"{ly}\" dominant-baseline=\"middle\">{Escape(series[s].Name)}</text>");
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static string F(double v, string format = "0.##") => v.ToString(format, CultureInfo.InvariantCulture);

    private static string Escape(string text) => WebUtility.HtmlEncode(text);
}
