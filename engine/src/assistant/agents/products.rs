//! Finding products: searches from what the message names, a product described, two compared.

use super::*;

/// Index into `shown` for an ordinal (1-based, -1 = last).
pub(super) fn pick(shown: &[String], ordinal: Option<i32>) -> Option<&String> {
    match ordinal? {
        -1 => shown.last(),
        n if n >= 1 => shown.get(usize::try_from(n - 1).ok()?),
        _ => None,
    }
}

/// The catalog search an utterance asks for.
pub(super) fn search_for(e: &Entities) -> Result<ProductSearch> {
    let words = e.product_words.clone();
    let params = SearchParams {
        // A category alone is a filter; words beyond it are the text query.
        q: words.filter(|w| !w.trim().is_empty()),
        category: e.category.clone(),
        brand: e.brand.clone(),
        min_price: e.min_price.map(|p| p.to_string()),
        max_price: e.max_price.map(|p| p.to_string()),
        in_stock: None,
        sort: None,
        page: None,
        per_page: Some("4".into()),
    };
    params.parse().map_err(|e| Error::Invalid { field: "message", message: e.message })
}

fn cards(products: Vec<Product>) -> Answer {
    let shown = products.iter().map(|p| p.id.to_string()).collect();
    Answer { parts: vec![Part::Products { items: products }], shown, ..Answer::default() }
}

/// product_search, recommendation: within the shopper's stated budget, without what they avoid.
pub async fn find_products(t: &Context<'_>, intent: Intent, e: &Entities) -> Result<Answer> {
    let mut search = search_for(e)?;
    let prefs = t.memory.preferences(t.shopper).await?;
    let mut heeded = Vec::new();
    if search.max_price.is_none() {
        let scope = search.category.as_ref().map(|c| c.as_str().to_string()).unwrap_or_else(|| "*".into());
        if let Some(budget) = prefs.budgets.get(&scope).or_else(|| prefs.budgets.get("*")) {
            search.max_price = Some(*budget);
            heeded.push(format!("within your budget of {}", model::Money::new(*budget, model::Currency::USD)));
        }
    }
    // Ask for more than is shown, so what the shopper avoids can be left out.
    let shown = search.page.per_page();
    search.page = model::PageRequest::parse(Some(search.page.page()), Some(shown * 3)).unwrap_or(search.page);
    if intent == Intent::Recommendation {
        search.sort = model::Sort::BestSelling;
        search.in_stock = true;
        // "What do you recommend" carries no product words worth matching.
        if e.category.is_none() && e.brand.is_none() {
            search.text = None;
        }
    }
    let mut page = t.catalog.list(&search).await?;
    if page.items.is_empty() && search.text.is_some() && (search.category.is_some() || search.brand.is_some()) {
        // The words matched nothing within the filter: the filter alone still helps.
        page = t.catalog.list(&ProductSearch { text: None, ..search.clone() }).await?;
    }
    let before = page.items.len();
    let mut left_out = Vec::new();
    page.items.retain(|p| match crate::memory::recommend::avoided(p, &prefs) {
        Some(why) => {
            if !left_out.contains(&why) {
                left_out.push(why);
            }
            false
        }
        None => true,
    });
    page.total = page.total.saturating_sub((before - page.items.len()) as u64);
    page.items.truncate(shown as usize);
    if !left_out.is_empty() {
        heeded.push(format!("leaving out {} as you asked", left_out.join(", ")));
    }
    if let Some(size) =
        search.category.as_ref().and_then(|c| prefs.sizes.get(c.as_str())).or_else(|| prefs.sizes.get("*"))
    {
        heeded.push(format!("pick size {size} on the product page"));
    }
    if page.items.is_empty() {
        return Ok(Answer::say(
            "I couldn't find anything matching that. Try fewer words, another category or a wider price range.",
        )
        .suggest(&["Show me running shoes", "What do you recommend?"]));
    }
    let lead = match intent {
        Intent::Recommendation => "Here are our best-rated picks".to_string(),
        _ => format!("I found {} products", page.total),
    };
    let first = &page.items[0];
    let mut answer = cards(page.items.clone());
    let heeded = if heeded.is_empty() { String::new() } else { format!(" ({})", heeded.join("; ")) };
    answer.text = format!(
        "{lead}{heeded}. The first is {} by {} at {}. Say \"add the second one\" or ask about any of them.",
        first.name, first.brand, first.price
    );
    Ok(answer.suggest(&["Add the first one", "Tell me more about the second one", "Compare the first two"]))
}

/// product_details.
pub async fn describe(t: &Context<'_>, e: &Entities) -> Result<Answer> {
    let Some(id) = pick(t.shown, e.ordinal.or(Some(1)).filter(|_| !t.shown.is_empty())) else {
        return Ok(Answer::say("Which product do you mean? Search first, then say \"the second one\".")
            .suggest(&["Show me jackets", "What do you recommend?"]));
    };
    let p = t.catalog.by_id(id).await?;
    let stock = match p.stock {
        0 => "sold out".to_string(),
        n if n <= Product::LOW_STOCK => format!("only {n} left"),
        _ => "in stock".to_string(),
    };
    let attrs: Vec<String> = p.attributes.iter().map(|a| format!("{}: {}", a.name, a.value)).collect();
    let mut answer = cards(vec![p.clone()]);
    answer.text =
        format!("{} by {} costs {} and is {stock}. {} {}", p.name, p.brand, p.price, attrs.join(", "), p.description);
    Ok(answer.suggest(&["Add it to my cart", "Show me similar ones"]))
}

/// compare_products.
pub async fn compare(t: &Context<'_>, e: &Entities) -> Result<Answer> {
    let first = e.ordinal.unwrap_or(1);
    let second = if first == -1 { t.shown.len() as i32 - 1 } else { first + 1 };
    let (Some(a), Some(b)) = (pick(t.shown, Some(first)), pick(t.shown, Some(second)).or_else(|| t.shown.get(1)))
    else {
        return Ok(
            Answer::say("Show me some products first, then I can compare them.").suggest(&["Show me headphones"])
        );
    };
    let (a, b) = (t.catalog.by_id(a).await?, t.catalog.by_id(b).await?);
    let cheaper = if a.price.amount <= b.price.amount { &a } else { &b };
    let mut answer = cards(vec![a.clone(), b.clone()]);
    let price_line = if a.price.amount == b.price.amount {
        format!("Both cost {}.", a.price)
    } else {
        format!("{} costs {}; {} costs {}. {} is cheaper.", a.name, a.price, b.name, b.price, cheaper.name)
    };
    // What tells them apart, from the catalog's own facts (no reviews exist to quote).
    let differs: Vec<String> = a
        .attributes
        .iter()
        .filter_map(|x| {
            let other = b.attributes.iter().find(|y| y.name.eq_ignore_ascii_case(&x.name))?;
            (other.value != x.value).then(|| format!("{}: {} vs {}", x.name, x.value, other.value))
        })
        .collect();
    answer.text = if differs.is_empty() { price_line } else { format!("{price_line} {}.", differs.join("; ")) };
    Ok(answer)
}
