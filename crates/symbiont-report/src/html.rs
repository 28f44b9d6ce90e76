//! Rendering a [`Report`] to one self-contained HTML page (inline CSS, the font as a data URL,
//! SVG charts inline, no script and no external reference), and writing it with the chart
//! files beside it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;

use crate::build::{Block, Report};
use crate::error::ReportError;
use crate::figure::{Chart, FONT_TTF};

/// Escape text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --ink: #1a1a1a; --muted: #555; --rule: #d8d8d8; --bg-alt: #f6f6f4; }
* { box-sizing: border-box; }
body { font-family: "Symbiont Sans", sans-serif; color: var(--ink); margin: 0 auto; max-width: 1500px;
       padding: 24px 32px 48px; line-height: 1.45; font-size: 15px; }
svg text { font-family: "Symbiont Sans", sans-serif; }
header h1 { font-size: 26px; margin: 0 0 4px; }
header p { margin: 0; color: var(--muted); }
nav { margin: 16px 0 8px; padding: 8px 0; border-top: 1px solid var(--rule); border-bottom: 1px solid var(--rule); }
nav a { margin-right: 16px; color: #0072b2; text-decoration: none; white-space: nowrap; }
section { margin-top: 28px; }
h2 { font-size: 21px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 14px; margin: 12px 0; }
figure.chart { margin: 0; border: 1px solid var(--rule); padding: 6px; background: #fff; }
figure.chart svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 12px; color: var(--muted); padding: 4px 4px 0; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 10px; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); }
tbody tr:nth-child(even) { background: var(--bg-alt); }
td small { color: var(--muted); }
code { font-size: 12.5px; }
code.wrap { white-space: normal; word-break: break-word; }
pre { background: var(--bg-alt); padding: 8px 12px; white-space: pre-wrap; }
.note { color: var(--muted); font-size: 13px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  .charts { display: block; }
  figure.chart { break-inside: avoid; page-break-inside: avoid; margin: 0 0 10px; border: none; }
  figure.chart svg { max-height: 125mm; width: auto; max-width: 100%; }
  table, tr, h3 { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  section { break-before: auto; }
}
"#;

/// A chart drawn: its SVG (standalone document) and its CSV.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    pub id: String,
    pub svg: String,
    pub csv: String,
}

/// A rendered report: the page, and the chart files that go beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub html: String,
    pub charts: Vec<Drawn>,
}

/// The SVG as it goes inline into HTML: without the XML namespace attribute, which HTML does
/// not need and which would be the page's only external-looking reference.
fn inline_svg(svg: &str) -> String {
    svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

fn figure_html(out: &mut String, chart: &Chart, svg: &str, charts_dir: &str) {
    let _ = write!(
        out,
        "<figure class=\"chart\" id=\"fig-{id}\" data-chart=\"{id}\">{svg}<figcaption>{title}. Data: <code>{dir}/{id}.csv</code></figcaption></figure>",
        id = esc(&chart.id),
        svg = inline_svg(svg),
        title = esc(&chart.title),
        dir = esc(charts_dir)
    );
}

/// Render the report to HTML, drawing every chart.
pub fn render(report: &Report) -> Result<Rendered, ReportError> {
    let mut body = String::new();
    let mut charts = Vec::new();
    for s in &report.sections {
        let _ = write!(
            body,
            "<section id=\"{}\" data-section=\"{}\"><h2>{}</h2>",
            s.id,
            s.id,
            esc(&s.title)
        );
        for b in &s.blocks {
            match b {
                Block::Html(h) => body.push_str(h),
                Block::Charts(cs) if cs.is_empty() => {}
                Block::Charts(cs) => {
                    body.push_str("<div class=\"charts\">");
                    for c in cs {
                        let svg = c.svg()?;
                        figure_html(&mut body, c, &svg, &report.charts_dir);
                        charts.push(Drawn { id: c.id.clone(), svg, csv: c.csv() });
                    }
                    body.push_str("</div>");
                }
            }
        }
        body.push_str("</section>");
    }
    let nav: String = report
        .sections
        .iter()
        .map(|s| format!("<a href=\"#{}\">{}</a>", s.id, esc(&s.title)))
        .collect();
    let font = base64::engine::general_purpose::STANDARD.encode(FONT_TTF);
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"generator\" content=\"symbiont-report\"><title>{title}</title>\
         <style>@font-face {{ font-family: \"Symbiont Sans\"; src: url(data:font/ttf;base64,{font}) format(\"truetype\"); }}{CSS}</style>\
         </head><body><header><h1>{title}</h1><p>{subtitle}</p></header><nav>{nav}</nav><main>{body}</main>\
         <footer class=\"note\"><p>Written by <code>symbiont report</code>. The font is DejaVu Sans (Bitstream Vera licence).</p></footer>\
         </body></html>\n",
        title = esc(&report.title),
        subtitle = esc(&report.subtitle),
    );
    Ok(Rendered { html, charts })
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), ReportError> {
    std::fs::write(path, bytes)
        .map_err(|e| ReportError::Io { path: path.to_path_buf(), message: e.to_string() })
}

/// Write the page to `html_path` and each chart's SVG and CSV (and PNG when asked) into the
/// report's chart folder beside it; return every file written.
pub fn write_report(
    report: &Report,
    rendered: &Rendered,
    html_path: &Path,
    png: bool,
) -> Result<Vec<PathBuf>, ReportError> {
    let dir = html_path.parent().map(Path::to_path_buf).unwrap_or_default();
    let charts_dir = dir.join(&report.charts_dir);
    std::fs::create_dir_all(&charts_dir)
        .map_err(|e| ReportError::Io { path: charts_dir.clone(), message: e.to_string() })?;
    let mut files = Vec::new();
    write(html_path, rendered.html.as_bytes())?;
    files.push(html_path.to_path_buf());
    for d in &rendered.charts {
        for (ext, bytes) in [("svg", d.svg.as_bytes()), ("csv", d.csv.as_bytes())] {
            let p = charts_dir.join(format!("{}.{ext}", d.id));
            write(&p, bytes)?;
            files.push(p);
        }
    }
    if png {
        for c in report.charts() {
            let p = charts_dir.join(format!("{}.png", c.id));
            c.png(&p)?;
            files.push(p);
        }
    }
    Ok(files)
}
