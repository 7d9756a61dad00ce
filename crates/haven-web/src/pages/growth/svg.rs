//! Growth charts drawn as SVG on the server: WHO's -3..+3 SD curves and a child's points.
//!
//! The SVG is written by hand (a few paths and circles): no charting library and no
//! JavaScript, and it prints sharply. Numbers carry one decimal to keep pages small.

use std::fmt::Write;

use haven_domain::growth::chart::{reference_curves, ChartKind, Span};
use haven_domain::growth::GrowthSex;

/// A child's point on a chart: x in days of age (cm for weight-for-length/height), y in
/// the chart's unit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// The words a chart needs, in the reader's language.
pub struct Labels {
    pub title: String,
    pub x_axis: String,
    pub y_axis: String,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 400.0;
const LEFT: f64 = 48.0;
const RIGHT: f64 = 40.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 40.0;

/// Draws one chart. Points outside the chart's span are left out (they belong on the
/// other span's chart).
pub fn chart(
    kind: ChartKind,
    sex: GrowthSex,
    span: Span,
    points: &[Point],
    labels: &Labels,
) -> String {
    let curves = reference_curves(kind, sex, span);
    // Fewer points than the tables hold: about 50 a curve is smooth at this size, and whole
    // units of the 640 x 400 view box (half a pixel at most off) keep each chart small.
    let thin = |points: &[(f64, f64)]| -> Vec<(f64, f64)> {
        let every = (points.len() / 50).max(1);
        let mut kept: Vec<(f64, f64)> = points.iter().step_by(every).copied().collect();
        if let Some(last) = points.last() {
            if kept.last() != Some(last) {
                kept.push(*last);
            }
        }
        kept
    };
    let (x_min, x_max) = curves
        .first()
        .and_then(|c| Some((c.points.first()?.0, c.points.last()?.0)))
        .unwrap_or((0.0, 1.0));
    let inside: Vec<Point> = points
        .iter()
        .copied()
        .filter(|p| p.x >= x_min && p.x <= x_max && p.y.is_finite())
        .collect();
    let y_low = curves.first().map_or(0.0, |c| {
        c.points.iter().map(|p| p.1).fold(f64::MAX, f64::min)
    });
    let y_high = curves.last().map_or(1.0, |c| {
        c.points.iter().map(|p| p.1).fold(f64::MIN, f64::max)
    });
    let y_min = inside.iter().map(|p| p.y).fold(y_low, f64::min).floor();
    let y_max = inside.iter().map(|p| p.y).fold(y_high, f64::max).ceil();
    let sx = |x: f64| LEFT + (x - x_min) / (x_max - x_min).max(1e-9) * (WIDTH - LEFT - RIGHT);
    let sy = |y: f64| {
        HEIGHT - BOTTOM - (y - y_min) / (y_max - y_min).max(1e-9) * (HEIGHT - TOP - BOTTOM)
    };

    let mut svg = String::with_capacity(8_000);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" class="growth-chart" role="img" aria-labelledby="chart-{code}-title"><title id="chart-{code}-title">{title}</title>"#,
        code = kind.code(),
        title = escape(&labels.title),
    );
    let _ = write!(
        svg,
        r#"<text x="{LEFT}" y="18" class="chart-title">{}</text>"#,
        escape(&labels.title)
    );
    // Grid and axis ticks.
    let (x_step, x_label): (f64, Box<dyn Fn(f64) -> String>) = match (kind, span) {
        (ChartKind::WeightForLengthHeight, _) => (5.0, Box::new(|x: f64| format!("{x:.0}"))),
        (_, Span::UnderFive) => (
            365.25 / 2.0,
            Box::new(|x: f64| format!("{:.1}", x / 365.25).replace(".0", "")),
        ),
        (_, Span::FiveToNineteen) => (365.25, Box::new(|x: f64| format!("{:.0}", x / 365.25))),
    };
    let mut x = (x_min / x_step).ceil() * x_step;
    while x <= x_max + 1e-6 {
        let px = sx(x);
        let _ = write!(
            svg,
            r#"<line x1="{px:.1}" y1="{TOP}" x2="{px:.1}" y2="{:.1}" class="grid"/><text x="{px:.1}" y="{:.1}" class="tick" text-anchor="middle">{}</text>"#,
            HEIGHT - BOTTOM,
            HEIGHT - BOTTOM + 14.0,
            x_label(x)
        );
        x += x_step;
    }
    let y_step = nice_step(y_max - y_min);
    let mut y = (y_min / y_step).ceil() * y_step;
    while y <= y_max + 1e-6 {
        let py = sy(y);
        let _ = write!(
            svg,
            r#"<line x1="{LEFT}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" class="grid"/><text x="{:.1}" y="{:.1}" class="tick" text-anchor="end">{}</text>"#,
            WIDTH - RIGHT,
            LEFT - 4.0,
            py + 4.0,
            trim(y)
        );
        y += y_step;
    }
    // The curves, labelled at their right end.
    for curve in &curves {
        let class = match curve.sd.abs() {
            0 => "sd0",
            2 => "sd2",
            3 => "sd3",
            _ => "sd1",
        };
        let mut d = String::new();
        for (i, (x, y)) in thin(&curve.points).iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.0} {:.0}",
                if i == 0 { "M" } else { "L" },
                sx(*x),
                sy(*y)
            );
        }
        let _ = write!(svg, r#"<path d="{d}" class="curve {class}"/>"#);
        if let Some((x, y)) = curve.points.last() {
            let label = if curve.sd > 0 {
                format!("+{}", curve.sd)
            } else {
                curve.sd.to_string()
            };
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" class="sd-label">{label}</text>"#,
                sx(*x) + 4.0,
                sy(*y) + 4.0
            );
        }
    }
    // The child's points, joined in time order.
    if !inside.is_empty() {
        let mut d = String::new();
        for (i, p) in inside.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1} {:.1}",
                if i == 0 { "M" } else { "L" },
                sx(p.x),
                sy(p.y)
            );
        }
        let _ = write!(svg, r#"<path d="{d}" class="child-line"/>"#);
        for p in &inside {
            let _ = write!(
                svg,
                r#"<circle cx="{:.1}" cy="{:.1}" r="4" class="child-point"/>"#,
                sx(p.x),
                sy(p.y)
            );
        }
    }
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" class="axis" text-anchor="middle">{}</text><text x="12" y="{:.1}" class="axis" transform="rotate(-90 12 {:.1})" text-anchor="middle">{}</text></svg>"#,
        (LEFT + WIDTH - RIGHT) / 2.0,
        HEIGHT - 6.0,
        escape(&labels.x_axis),
        (TOP + HEIGHT - BOTTOM) / 2.0,
        (TOP + HEIGHT - BOTTOM) / 2.0,
        escape(&labels.y_axis),
    );
    svg
}

fn nice_step(range: f64) -> f64 {
    let rough = range / 8.0;
    let power = 10f64.powf(rough.log10().floor());
    let fraction = rough / power;
    let nice = if fraction < 1.5 {
        1.0
    } else if fraction < 3.5 {
        2.0
    } else if fraction < 7.5 {
        5.0
    } else {
        10.0
    };
    nice * power
}

fn trim(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
}

/// Escapes text for SVG (the labels come from translation files and names).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Labels {
        Labels {
            title: "Weight <for> age".into(),
            x_axis: "Age (years)".into(),
            y_axis: "kg".into(),
        }
    }

    #[test]
    fn a_chart_has_seven_curves_and_the_childs_points() {
        let points = [
            Point { x: 100.0, y: 6.0 },
            Point { x: 400.0, y: 8.5 },
            Point { x: 5000.0, y: 30.0 },
        ];
        let svg = chart(
            ChartKind::WeightForAge,
            GrowthSex::Female,
            Span::UnderFive,
            &points,
            &labels(),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(svg.matches(r#"class="curve "#).count(), 7);
        assert_eq!(
            svg.matches("child-point").count(),
            2,
            "the point at 13 years is off this chart"
        );
        assert!(svg.contains("Weight &lt;for&gt; age"), "labels are escaped");
        assert!(svg.len() < 8_000, "a chart stays small: {}", svg.len());
    }

    #[test]
    fn every_chart_draws_for_both_sexes_and_spans() {
        for &kind in ChartKind::ALL {
            for sex in [GrowthSex::Female, GrowthSex::Male] {
                for span in [Span::UnderFive, Span::FiveToNineteen] {
                    let svg = chart(kind, sex, span, &[], &labels());
                    assert_eq!(
                        svg.matches(r#"class="curve "#).count(),
                        7,
                        "{kind:?} {span:?}"
                    );
                    assert!(
                        !svg.contains("NaN") && !svg.contains("inf"),
                        "{kind:?} {span:?}"
                    );
                }
            }
        }
    }
}
