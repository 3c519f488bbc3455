//! Entity extraction: what a message is about, from the shop's own vocabulary (brands,
//! categories and their everyday names, colors) and patterns for sizes, prices, quantities,
//! ordinal references, order ids and discount codes.

use super::text::{is_order_id, looks_like_code, stem, words};

/// The words the shop knows, each phrase kept split and stemmed as a message's words are, so
/// matching a message stems nothing twice.
#[derive(Debug, Clone, Default)]
pub struct Vocabulary {
    /// Brand names as the catalog spells them.
    brands: Vec<(String, Phrase)>,
    /// (category slug, the words shoppers use for it, its slug as words last).
    categories: Vec<(String, Vec<Phrase>)>,
    /// Color names, lower case, longest first.
    colors: Vec<(String, Phrase)>,
}

/// A phrase as stemmed words, and its length in characters (longer names win).
#[derive(Debug, Clone, Default)]
struct Phrase {
    words: Vec<String>,
    len: usize,
}

impl Phrase {
    fn new(text: &str) -> Self {
        let lowered = text.to_lowercase().replace('-', " ");
        Self { words: lowered.split(' ').filter(|w| !w.is_empty()).map(stem).collect(), len: lowered.len() }
    }

    /// Where the phrase first starts in `stemmed` (a message's stemmed words).
    fn find(&self, stemmed: &[String]) -> Option<usize> {
        if self.words.is_empty() {
            return None;
        }
        stemmed.windows(self.words.len()).position(|w| w == self.words.as_slice())
    }
}

/// Everyday names of the seeded categories (a category not listed is still found by its slug).
const CATEGORY_WORDS: &[(&str, &[&str])] = &[
    ("running-shoes", &["running shoes", "running shoe", "shoes", "shoe", "trainers", "sneakers", "spikes"]),
    ("jackets", &["jacket", "parka", "coat", "rain shell", "windbreaker", "wind breaker", "softshell"]),
    ("backpacks", &["backpack", "daypack", "rucksack", "travel pack"]),
    ("headphones", &["headphones", "headphone", "earbuds", "earphones", "headset"]),
    ("coffee", &["coffee", "espresso", "beans", "roast", "cold brew"]),
    ("kitchen", &["kitchen", "knife", "knives", "pan", "skillet", "kettle", "dutch oven", "cookware"]),
    ("books", &["book", "novel", "paperback", "hardcover", "cookbook"]),
    ("toys", &["toy", "puzzle", "building blocks", "board game"]),
    ("skincare", &["skincare", "face cream", "serum", "moisturizer", "cleanser", "sunscreen"]),
    ("home-office", &["home office", "desk", "lamp", "office chair", "monitor stand"]),
    ("outdoor-gear", &["tent", "camping", "stove", "sleeping bag", "headlamp"]),
    ("fitness", &["yoga", "fitness", "dumbbell", "kettlebell", "resistance band"]),
];

const COLORS: &[&str] = &[
    "forest green",
    "sky blue",
    "mustard yellow",
    "sage green",
    "black",
    "white",
    "grey",
    "gray",
    "navy",
    "blue",
    "green",
    "red",
    "orange",
    "yellow",
    "pink",
    "purple",
    "lilac",
    "teal",
    "olive",
    "coral",
    "charcoal",
    "sand",
    "burgundy",
    "silver",
    "cream",
    "graphite",
    "brown",
    "beige",
];

pub use model::Entities;

impl Vocabulary {
    /// The built-in category words and colors, with the catalog's `brands`.
    pub fn with_brands(brands: Vec<String>) -> Self {
        let mut colors: Vec<(String, Phrase)> = COLORS.iter().map(|c| ((*c).to_string(), Phrase::new(c))).collect();
        colors.sort_by_key(|(c, _)| std::cmp::Reverse(c.len()));
        Self {
            brands: brands.into_iter().map(|b| (b.clone(), Phrase::new(&b))).collect(),
            categories: CATEGORY_WORDS
                .iter()
                .map(|(slug, names)| {
                    let phrases = names.iter().chain(std::iter::once(slug)).map(|n| Phrase::new(n)).collect();
                    ((*slug).to_string(), phrases)
                })
                .collect(),
            colors,
        }
    }

    /// The brands, as the catalog spells them.
    pub fn brands(&self) -> impl Iterator<Item = &str> {
        self.brands.iter().map(|(b, _)| b.as_str())
    }
}

fn number_word(w: &str) -> Option<u32> {
    let n = match w {
        "one" | "a" | "an" | "single" => 1,
        "two" | "couple" | "pair" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        _ => return None,
    };
    Some(n)
}

fn ordinal_word(w: &str) -> Option<i32> {
    Some(match w {
        "first" | "1st" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" | "4th" => 4,
        "fifth" | "5th" => 5,
        "last" | "latter" => -1,
        _ => return None,
    })
}

/// `$80`, `80`, `80.50`, `€20` as cents.
fn money(word: &str) -> Option<i64> {
    model::parse_major_units(word).filter(|cents| *cents >= 0)
}

fn letter_size(w: &str) -> Option<&'static str> {
    Some(match w {
        "xs" | "extra-small" => "XS",
        "s" | "small" => "S",
        "m" | "medium" => "M",
        "l" | "large" => "L",
        "xl" => "XL",
        "xxl" => "XXL",
        _ => return None,
    })
}

/// Extracts entities from `text`.
pub fn extract(text: &str, vocabulary: &Vocabulary) -> Entities {
    let w = words(text);
    let mut e = Entities::default();
    // Words used up by one entity, so a price is not also a quantity.
    let mut used = vec![false; w.len()];

    for (i, word) in w.iter().enumerate() {
        if is_order_id(word) {
            e.order_id.get_or_insert_with(|| word.to_ascii_uppercase());
            used[i] = true;
        }
    }

    // Prices: "under $80", "between 50 and 100 dollars", "over 150".
    for i in 0..w.len() {
        let next_money = |k: usize| w.get(k).and_then(|x| money(x));
        match w[i].as_str() {
            "under" | "below" | "max" | "maximum" | "cheaper" | "within" | "upto" => {
                let k = if w.get(i + 1).is_some_and(|x| x == "than") { i + 2 } else { i + 1 };
                if let Some(m) = next_money(k) {
                    e.max_price.get_or_insert(m);
                    used[k] = true;
                }
            }
            "less" | "up" if w.get(i + 1).is_some_and(|x| x == "than" || x == "to") => {
                if let Some(m) = next_money(i + 2) {
                    e.max_price.get_or_insert(m);
                    used[i + 2] = true;
                }
            }
            "over" | "above" | "least" | "min" | "minimum" => {
                if let Some(m) = next_money(i + 1) {
                    e.min_price.get_or_insert(m);
                    used[i + 1] = true;
                }
            }
            "more" if w.get(i + 1).is_some_and(|x| x == "than") => {
                if let Some(m) = next_money(i + 2) {
                    e.min_price.get_or_insert(m);
                    used[i + 2] = true;
                }
            }
            "between" => {
                if let (Some(a), Some(b)) = (next_money(i + 1), next_money(i + 3)) {
                    e.min_price = Some(a.min(b));
                    e.max_price = Some(a.max(b));
                    used[i + 1] = true;
                    used[i + 3] = true;
                }
            }
            "budget" | "around" | "spend" => {
                let k = (i + 1..w.len().min(i + 4)).find(|k| money(&w[*k]).is_some());
                if let Some(k) = k {
                    e.max_price.get_or_insert(money(&w[k]).unwrap_or(0));
                    used[k] = true;
                }
            }
            _ => {}
        }
        if w[i].starts_with(['$', '€']) {
            used[i] = true;
        }
        if matches!(w[i].as_str(), "dollars" | "dollar" | "euros" | "euro" | "bucks") && i > 0 {
            used[i - 1] = true;
        }
    }

    // Sizes: "size 10", "in size m", "i'm a medium", "i'm an xl".
    for i in 0..w.len() {
        if w[i] == "size" {
            if let Some(next) = w.get(i + 1) {
                if next.chars().all(|c| c.is_ascii_digit()) && !next.is_empty() {
                    e.size.get_or_insert_with(|| next.clone());
                    used[i + 1] = true;
                } else if let Some(s) = letter_size(next) {
                    e.size.get_or_insert_with(|| s.into());
                    used[i + 1] = true;
                } else if next == "is" || next == "as" {
                    if let Some(after) = w.get(i + 2) {
                        if let Some(s) = letter_size(after) {
                            e.size.get_or_insert_with(|| s.into());
                        } else if after.chars().all(|c| c.is_ascii_digit()) {
                            e.size.get_or_insert_with(|| after.clone());
                        }
                        used[i + 2] = true;
                    }
                }
            }
        }
        let speaking_of_self = i > 0 && matches!(w[i - 1].as_str(), "a" | "an" | "im" | "is") && {
            let back = &w[..i];
            back.iter().any(|x| x == "im" || x == "i" || x == "my")
        };
        if speaking_of_self && e.size.is_none() {
            if let Some(s) = letter_size(&w[i]).filter(|_| w[i].len() > 1) {
                e.size = Some(s.into());
                used[i] = true;
            }
        }
    }

    // Ordinals: "the second one", "number 3", "the last".
    for i in 0..w.len() {
        if let Some(o) = ordinal_word(&w[i]) {
            // "last month", "last time", "last order" are times, not list positions.
            let next = w.get(i + 1).map(String::as_str);
            if o == -1 && matches!(next, Some("month" | "week" | "time" | "order" | "night" | "year")) {
                continue;
            }
            e.ordinal.get_or_insert(o);
            used[i] = true;
        } else if w[i] == "number" {
            if let Some(n) = w.get(i + 1).and_then(|x| x.parse::<i32>().ok().or(number_word(x).map(|n| n as i32))) {
                e.ordinal.get_or_insert(n);
                used[i + 1] = true;
            }
        }
    }

    // Discount codes: code-shaped words, or the word after "code", "coupon", "voucher".
    for i in 0..w.len() {
        if used[i] {
            continue;
        }
        let keyword = |k: usize| matches!(w[k].as_str(), "code" | "coupon" | "voucher" | "redeem" | "promo");
        // "code freeship", "my code is freeship".
        let after_keyword = (i > 0 && keyword(i - 1)) || (i > 1 && w[i - 1] == "is" && keyword(i - 2));
        let plain_word = w[i].chars().all(|c| c.is_ascii_alphanumeric()) && w[i].len() >= 4;
        let stop = matches!(w[i].as_str(), "please" | "code" | "codes" | "for" | "this" | "the" | "that" | "on" | "is");
        if looks_like_code(&w[i]) || (after_keyword && plain_word && !stop) {
            e.code.get_or_insert_with(|| w[i].to_ascii_uppercase());
            used[i] = true;
        }
    }

    // Quantities: "2x", "3 of", "two of those", "add 5", "make it 3", "to 4".
    for i in 0..w.len() {
        if used[i] {
            continue;
        }
        let word = w[i].as_str();
        let times = word.strip_suffix('x').and_then(|n| n.parse::<u32>().ok());
        let number = word.parse::<u32>().ok().or(times);
        let spelled = number_word(word).filter(|_| !matches!(word, "a" | "an" | "pair" | "couple"));
        let next = w.get(i + 1).map(String::as_str);
        let prev = i.checked_sub(1).map(|k| w[k].as_str());
        let years = matches!(next, Some("year" | "years" | "day" | "days" | "month" | "months"));
        if years {
            continue;
        }
        if let Some(n) = number {
            e.quantity.get_or_insert(n);
            used[i] = true;
        } else if let Some(n) = spelled {
            // "one" is a quantity only where it counts ("one of", "add one"), not "that one".
            let counts = n > 1 || matches!(next, Some("of" | "more")) || matches!(prev, Some("add" | "to" | "only"));
            if counts {
                e.quantity.get_or_insert(n);
                used[i] = true;
            }
        }
    }

    // Brands, categories, colors from the vocabulary (longest phrase first).
    let stemmed: Vec<String> = w.iter().map(|x| stem(&x.to_lowercase())).collect();
    // The first brand mentioned (in "compare velox and stridelab" the subject is Velox).
    e.brand = vocabulary
        .brands
        .iter()
        .filter_map(|(brand, phrase)| phrase.find(&stemmed).map(|at| (at, brand)))
        .min_by_key(|(at, _)| *at)
        .map(|(_, brand)| brand.clone());
    let mut best: Option<(usize, &str)> = None;
    for (slug, names) in &vocabulary.categories {
        for name in names {
            if best.is_none_or(|(len, _)| name.len > len) && name.find(&stemmed).is_some() {
                best = Some((name.len, slug.as_str()));
            }
        }
    }
    e.category = best.map(|(_, slug)| slug.to_string());
    e.color = vocabulary.colors.iter().find(|(_, phrase)| phrase.find(&stemmed).is_some()).map(|(c, _)| c.clone());
    let described: Vec<&str> = w
        .iter()
        .enumerate()
        .filter(|(i, word)| !used[*i] && !STOPWORDS.contains(&word.as_str()) && !word.starts_with(['$', '€']))
        .map(|(_, word)| word.as_str())
        .collect();
    e.product_words = (!described.is_empty()).then(|| described.join(" "));
    e
}

/// Words that say what the shopper wants to do, not what they want: left out of product words.
const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "i",
    "im",
    "me",
    "my",
    "you",
    "your",
    "we",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "one",
    "ones",
    "some",
    "any",
    "anything",
    "something",
    "please",
    "show",
    "find",
    "search",
    "look",
    "looking",
    "for",
    "do",
    "does",
    "have",
    "got",
    "want",
    "need",
    "like",
    "would",
    "id",
    "ill",
    "to",
    "of",
    "in",
    "on",
    "with",
    "and",
    "or",
    "under",
    "over",
    "below",
    "above",
    "between",
    "than",
    "less",
    "more",
    "up",
    "from",
    "size",
    "dollars",
    "dollar",
    "euros",
    "bucks",
    "cheap",
    "can",
    "could",
    "see",
    "let",
    "get",
    "buy",
    "add",
    "put",
    "cart",
    "basket",
    "bag",
    "is",
    "are",
    "there",
    "what",
    "which",
    "whats",
    "sell",
    "carry",
    "list",
    "browse",
    "hunting",
    "after",
    "new",
    "also",
    "just",
    "about",
    "tell",
    "more",
    "other",
    "into",
    "at",
    "be",
    "by",
    "so",
    "too",
    "very",
    "much",
    "many",
    "how",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocabulary {
        Vocabulary::with_brands(vec!["Northpeak".into(), "Metro Supply".into(), "Velox".into()])
    }

    #[test]
    fn prices_become_cents_in_both_directions() {
        let e = extract("trail shoes under $80", &vocab());
        assert_eq!((e.max_price, e.min_price, e.category.as_deref()), (Some(8000), None, Some("running-shoes")));
        let e = extract("between 50 and 100 euros", &vocab());
        assert_eq!((e.min_price, e.max_price, e.quantity), (Some(5000), Some(10000), None));
    }

    #[test]
    fn quantities_ordinals_and_sizes_do_not_steal_each_others_numbers() {
        let e = extract("add 2 of the second one in size 10", &vocab());
        assert_eq!((e.quantity, e.ordinal, e.size.as_deref()), (Some(2), Some(2), Some("10")));
        let e = extract("add 3x of the last", &vocab());
        assert_eq!((e.quantity, e.ordinal), (Some(3), Some(-1)));
        assert_eq!(extract("i'm an xl", &vocab()).size.as_deref(), Some("XL"));
        assert_eq!(extract("what did i buy last month", &vocab()).ordinal, None);
    }

    #[test]
    fn codes_order_ids_brands_and_colors_are_found() {
        let e = extract("apply code freeship to order 7C1E0A9B3D5F2468", &vocab());
        assert_eq!((e.code.as_deref(), e.order_id.as_deref()), (Some("FREESHIP"), Some("7C1E0A9B3D5F2468")));
        let e = extract("a sky blue backpack from metro supply", &vocab());
        assert_eq!((e.color.as_deref(), e.brand.as_deref()), (Some("sky blue"), Some("Metro Supply")));
        assert_eq!(e.category.as_deref(), Some("backpacks"));
    }

    #[test]
    fn what_describes_the_product_is_kept_for_search() {
        let e = extract("show me waterproof trail jackets under $150", &vocab());
        assert_eq!(e.product_words.as_deref(), Some("waterproof trail jackets"));
        assert_eq!(extract("add it to my cart", &vocab()).product_words, None);
    }
}
