//! The Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008): eight colours that
//! stay distinct for the common forms of colour blindness and in greyscale print, which is why
//! every chart of the report draws from it and from nothing else.

use plotters::style::RGBColor;

pub const BLACK: RGBColor = RGBColor(0x00, 0x00, 0x00);
pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
pub const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
/// Neutral grey for "no effect" cells and grid lines (not a data colour).
pub const GREY: RGBColor = RGBColor(0xBB, 0xBB, 0xBB);

/// Series colours in order of use: the strongest contrasts first, yellow (weak on white) last.
pub const SERIES: [RGBColor; 8] =
    [ORANGE, SKY_BLUE, BLUISH_GREEN, BLUE, VERMILLION, REDDISH_PURPLE, BLACK, YELLOW];

/// The colour of series `i` (cycling after eight).
pub fn series(i: usize) -> RGBColor {
    SERIES[i % SERIES.len()]
}

/// The colour of a symbiosis mode key (as written in `symbiosis.csv`): the mutualisms in
/// greens and blues, parasitism in vermillion, the neutral modes in yellow and grey.
pub fn symbiosis_mode(key: &str) -> RGBColor {
    match key {
        "symmetric_mutualism" => BLUISH_GREEN,
        "asymmetric_mutualism" => SKY_BLUE,
        "commensalism" => YELLOW,
        "parasitism" => VERMILLION,
        "amensalism" => REDDISH_PURPLE,
        "competition" => ORANGE,
        _ => GREY,
    }
}

/// `#rrggbb` of a colour, for HTML swatches.
pub fn hex(c: RGBColor) -> String {
    format!("#{:02x}{:02x}{:02x}", c.0, c.1, c.2)
}
