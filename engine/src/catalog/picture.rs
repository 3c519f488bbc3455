//! Product pictures drawn as SVG from the product's own data, so the shop needs no image CDN
//! and no internet: a category glyph in the product's color over a soft tinted card.

use model::Product;

/// The SVG picture of `product` (400×400, self-contained, safe to serve as `image/svg+xml`).
pub fn product_svg(product: &Product) -> String {
    let color = product
        .attributes
        .iter()
        .find(|a| a.name == "color")
        .map(|a| color_hex(&a.value))
        .unwrap_or_else(|| hue_hex(&product.slug));
    let glyph = glyph(product.category.as_str());
    let brand = xml_escape(&product.brand.to_uppercase());
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" width="400" height="400" role="img" aria-label="{label}">
<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f7f5f2"/><stop offset="1" stop-color="{color}" stop-opacity="0.22"/></linearGradient></defs>
<rect width="400" height="400" rx="24" fill="url(#bg)"/>
<g transform="translate(80 70) scale(2.4)" fill="{color}" stroke="#1f2933" stroke-width="2" stroke-linejoin="round">{glyph}</g>
<text x="200" y="360" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="20" letter-spacing="3" fill="#1f2933" opacity="0.7">{brand}</text>
</svg>"##,
        label = xml_escape(&product.name),
    )
}

/// A simple glyph per category on a 100×100 grid.
fn glyph(category: &str) -> &'static str {
    match category {
        "running-shoes" => {
            r##"<path d="M8 62 C10 48 24 44 34 36 L46 30 C52 40 64 44 78 48 C90 52 96 58 94 68 L10 72 Z"/><path d="M8 72 L94 68 L94 76 L10 80 Z" fill="#fff"/>"##
        }
        "jackets" => {
            r##"<path d="M30 14 L50 22 L70 14 L92 30 L84 50 L76 46 L76 92 L24 92 L24 46 L16 50 L8 30 Z"/><path d="M50 22 L50 92" fill="none"/>"##
        }
        "backpacks" => {
            r##"<rect x="22" y="22" width="56" height="72" rx="16"/><path d="M38 22 C38 8 62 8 62 22" fill="none"/><rect x="32" y="56" width="36" height="26" rx="6" fill="#fff"/>"##
        }
        "headphones" => {
            r##"<path d="M18 58 C18 20 82 20 82 58" fill="none" stroke-width="6"/><rect x="10" y="54" width="20" height="32" rx="8"/><rect x="70" y="54" width="20" height="32" rx="8"/>"##
        }
        "coffee" => {
            r##"<path d="M18 34 L72 34 L66 90 L24 90 Z"/><path d="M72 44 C92 44 92 70 68 70" fill="none" stroke-width="5"/><path d="M34 24 C30 16 40 12 36 4 M50 24 C46 16 56 12 52 4" fill="none"/>"##
        }
        "kitchen" => {
            r##"<rect x="12" y="40" width="62" height="40" rx="10"/><path d="M74 50 L94 46 L94 54 L74 58" /><rect x="30" y="30" width="26" height="10" rx="3" fill="#fff"/>"##
        }
        "books" => {
            r##"<rect x="16" y="14" width="60" height="76" rx="4"/><rect x="24" y="14" width="6" height="76" fill="#fff"/><path d="M40 34 L66 34 M40 44 L62 44" fill="none"/>"##
        }
        "toys" => {
            r##"<rect x="14" y="50" width="30" height="30" rx="4"/><rect x="50" y="50" width="30" height="30" rx="4" fill="#fff"/><rect x="32" y="18" width="30" height="30" rx="4"/>"##
        }
        "skincare" => {
            r##"<rect x="30" y="34" width="40" height="58" rx="10"/><rect x="40" y="16" width="20" height="18" rx="3" fill="#fff"/><path d="M40 60 L60 60" fill="none"/>"##
        }
        "home-office" => {
            r##"<rect x="10" y="18" width="80" height="50" rx="4"/><rect x="16" y="24" width="68" height="38" fill="#fff"/><path d="M40 68 L36 86 L64 86 L60 68" />"##
        }
        "outdoor-gear" => {
            r##"<path d="M10 88 L50 16 L90 88 Z"/><path d="M50 16 L50 88 M38 88 L50 60 L62 88" fill="#fff"/>"##
        }
        "fitness" => {
            r##"<rect x="6" y="38" width="14" height="24" rx="3"/><rect x="80" y="38" width="14" height="24" rx="3"/><rect x="18" y="30" width="12" height="40" rx="3"/><rect x="70" y="30" width="12" height="40" rx="3"/><rect x="30" y="46" width="40" height="8" fill="#fff"/>"##
        }
        _ => r##"<rect x="16" y="16" width="68" height="68" rx="12"/>"##,
    }
}

/// Known color words to hex; other values get a stable hue from their text.
fn color_hex(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let table: &[(&str, &str)] = &[
        ("black", "#2b2d31"),
        ("charcoal", "#3d4148"),
        ("graphite", "#4a4f57"),
        ("grey", "#8a9099"),
        ("gray", "#8a9099"),
        ("silver", "#b8bec6"),
        ("white", "#eeeeea"),
        ("cream", "#efe6d2"),
        ("sand", "#d8c3a0"),
        ("beige", "#d9c8a9"),
        ("tan", "#c49a6c"),
        ("brown", "#7b5538"),
        ("navy", "#23395d"),
        ("blue", "#2f6db5"),
        ("sky", "#7db7e8"),
        ("teal", "#24857f"),
        ("green", "#3f8a4f"),
        ("olive", "#6b7340"),
        ("forest", "#2f5d3a"),
        ("sage", "#9cb59a"),
        ("yellow", "#e5b931"),
        ("mustard", "#c9a12a"),
        ("orange", "#e07b2a"),
        ("coral", "#ee7a6a"),
        ("red", "#c53b3b"),
        ("burgundy", "#7a2636"),
        ("pink", "#e79ab4"),
        ("purple", "#6d4fa3"),
        ("lilac", "#b7a3d9"),
        ("natural", "#d6c7a7"),
        ("oak", "#b98b57"),
        ("walnut", "#6e4a2f"),
    ];
    // The first color word wins: "Forest green" is forest, "Sky blue" is sky.
    table
        .iter()
        .filter_map(|(word, hex)| lower.find(word).map(|at| (at, *hex)))
        .min_by_key(|(at, _)| *at)
        .map(|(_, hex)| hex.to_string())
        .unwrap_or_else(|| hue_hex(name))
}

/// A stable, pleasant color derived from text (FNV-1a hash to a hue).
fn hue_hex(text: &str) -> String {
    let hash = text.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    let hue = f64::from(hash % 360);
    let (s, l) = (0.45, 0.5);
    let c = (1.0 - (2.0 * l - 1.0_f64).abs()) * s;
    let x = c * (1.0 - ((hue / 60.0) % 2.0 - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match (hue / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let to = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", to(r), to(g), to(b))
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{Attribute, CategorySlug, Currency, Money, ProductId};

    fn product(name: &str, color: &str) -> Product {
        Product {
            id: ProductId::new("p1"),
            slug: "p1".into(),
            name: name.into(),
            brand: "Acme & Co".into(),
            category: CategorySlug::parse("jackets").unwrap(),
            description: String::new(),
            price: Money::new(100, Currency::USD),
            stock: 1,
            attributes: vec![Attribute { name: "color".into(), value: color.into() }],
            tags: vec![],
            image_url: String::new(),
        }
    }

    #[test]
    fn picture_uses_the_product_color_and_escapes_text() {
        let svg = product_svg(&product("Rain <Shell> \"Pro\"", "Forest green"));
        assert!(svg.contains("#2f5d3a"), "forest green maps to its hex");
        assert!(svg.contains("Rain &lt;Shell&gt; &quot;Pro&quot;"));
        assert!(svg.contains("ACME &amp; CO"));
        assert!(!svg.contains("<Shell>"));
    }

    #[test]
    fn unknown_colors_get_a_stable_hue() {
        assert_eq!(color_hex("Aurora"), color_hex("Aurora"));
        assert!(color_hex("Aurora").starts_with('#') && color_hex("Aurora").len() == 7);
    }
}
