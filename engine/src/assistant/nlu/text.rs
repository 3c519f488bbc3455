//! Text normalization shared by the classifier and the entity extractor.

/// Lower-case word tokens: letters and digits (and `$`, `%` glued to numbers) kept, everything
/// else a separator; a possessive `'s` is dropped.
pub fn words(text: &str) -> Vec<String> {
    let lowered = text.to_lowercase().replace("'s ", " ").replace('\'', "");
    lowered
        .split(|c: char| !(c.is_alphanumeric() || c == '$' || c == '%' || c == '€' || c == '.'))
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A light stem: plural and a few inflections off, so "jackets" and "jacket" are one feature.
pub fn stem(word: &str) -> String {
    let w = word;
    for (suffix, keep) in [("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", "")] {
        if w.len() > suffix.len() + 3 {
            if let Some(base) = w.strip_suffix(suffix) {
                return format!("{base}{keep}");
            }
        }
    }
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        return w[..w.len() - 1].to_string();
    }
    w.to_string()
}

/// True for a 16-character hexadecimal order id (with at least one digit and one letter, so
/// ordinary words and numbers are not mistaken for one).
pub fn is_order_id(word: &str) -> bool {
    word.len() == 16
        && word.chars().all(|c| c.is_ascii_hexdigit())
        && word.chars().any(|c| c.is_ascii_digit())
        && word.chars().any(|c| c.is_ascii_alphabetic())
}

/// True for something shaped like a discount code: letters followed by digits (`welcome10`).
pub fn looks_like_code(word: &str) -> bool {
    let letters = word.chars().take_while(char::is_ascii_alphabetic).count();
    let digits = word.chars().skip(letters).take_while(char::is_ascii_digit).count();
    letters >= 3 && digits >= 1 && letters + digits == word.len() && word.len() <= 32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_punctuation_and_keep_prices() {
        assert_eq!(words("Show me Trail-Shoes under $80!"), ["show", "me", "trail", "shoes", "under", "$80"]);
        assert_eq!(words("what's in Ann's cart?"), ["what", "in", "ann", "cart"]);
    }

    #[test]
    fn stems_fold_plurals() {
        assert_eq!(stem("jackets"), "jacket");
        assert_eq!(stem("accessories"), "accessory");
        assert_eq!(stem("glass"), "glass");
        assert_eq!(stem("bus"), "bus");
    }

    #[test]
    fn order_ids_and_codes_are_recognized_by_shape() {
        assert!(is_order_id("7c1e0a9b3d5f2468"));
        assert!(!is_order_id("1234567890123456") && !is_order_id("deadbeefdeadbeef"));
        assert!(looks_like_code("welcome10") && !looks_like_code("10") && !looks_like_code("size10x"));
    }
}
