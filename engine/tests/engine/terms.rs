//! Honest content: every number and promise in the policy and FAQ texts comes from the settings
//! checkout uses, and checkout keeps the promises (the countries it ships to).

use crate::cart::{guest, product, qty};
use crate::checkout::request;
use crate::helpers::{count, seed_options};
use engine::cart::pricing::PricingSettings;
use engine::store::Store;
use engine::terms::Terms;
use engine::{CommerceSettings, Error, Services};
use model::Channel;

fn pricing() -> PricingSettings {
    PricingSettings {
        standard_shipping: 499,
        express_shipping: 1999,
        free_shipping_threshold: 5000,
        tax_rate_bps: 825,
        ..PricingSettings::default()
    }
}

async fn shop() -> Services {
    let store = Store::in_memory().await.unwrap();
    engine::seed::run(&store, &seed_options()).await.unwrap();
    let commerce = CommerceSettings {
        pricing: pricing(),
        terms: Terms { return_window_days: 14, countries: vec!["US".into(), "CA".into()] },
        ..CommerceSettings::default()
    };
    Services::new(store, engine::Settings { commerce, ..engine::Settings::ephemeral().unwrap() })
}

async fn texts(services: &Services) -> Vec<String> {
    let mut res =
        services.store.client().query("SELECT VALUE body FROM policy; SELECT VALUE answer FROM faq;").await.unwrap();
    let mut all: Vec<String> = res.take(0).unwrap();
    all.extend(res.take::<Vec<String>>(1).unwrap());
    all.push(engine::terms::FOOTER.to_string());
    all
}

#[tokio::test]
async fn every_amount_a_policy_or_faq_quotes_is_one_the_checkout_charges() {
    let services = shop().await;
    let allowed = ["$4.99", "$19.99", "$50.00"];
    for template in texts(&services).await {
        let text = services.checkout.facts().render(&template);
        assert!(!text.contains('{'), "a placeholder is left in: {text}");
        for word in text.split_whitespace().filter(|w| w.starts_with('$')) {
            let amount = word.trim_end_matches(|c: char| !c.is_ascii_digit());
            assert!(allowed.contains(&amount), "{amount} is not a rate checkout uses: {text}");
        }
        for false_promise in ["American Express", "Discover", "duties", "for your address", "14.99", "order page"] {
            assert!(!text.contains(false_promise), "{false_promise:?} in: {text}");
        }
    }
}

#[tokio::test]
async fn the_assistant_quotes_the_configured_rates_window_cards_and_countries() {
    let services = shop().await;
    let (shopper, _) = guest(&services).await;
    let ask = |text: &'static str| {
        let (services, shopper) = (services.clone(), shopper.clone());
        async move { services.assistant.process_message(&shopper, "s", Channel::Web, text).await.unwrap().text }
    };
    let shipping = ask("how much is shipping").await;
    assert!(shipping.contains("$4.99") && shipping.contains("$19.99") && shipping.contains("$50.00"), "{shipping}");
    assert!(shipping.contains("the United States and Canada"), "{shipping}");
    let returns = ask("what's your return policy").await;
    assert!(returns.contains("within 14 days"), "{returns}");
    let cards = ask("which payment methods do you accept").await;
    assert!(cards.contains("Visa and Mastercard") && cards.contains("8.25 %"), "{cards}");
}

#[tokio::test]
async fn checkout_refuses_a_country_the_shop_does_not_ship_to_and_charges_nothing() {
    let services = shop().await;
    let (shopper, _) = guest(&services).await;
    let p = product(&services, "coffee", 2).await;
    services.carts.add(&shopper, p.id.as_str(), qty(1)).await.unwrap();
    let mut body = request("4242 4242 4242 4242");
    body.shipping_address.country = "DE".into();
    let err = services.checkout.place(&shopper, "de", &body).await.unwrap_err();
    assert!(
        matches!(&err, Error::Invalid { field: "shipping_address.country", message } if message.contains("Canada")),
        "{err:?}"
    );
    assert_eq!(count(&services.store, "orders", "true").await, 0);
    body.shipping_address.country = "CA".into();
    services.checkout.place(&shopper, "ca", &body).await.unwrap();
}

#[tokio::test]
async fn an_existing_shops_texts_are_brought_up_to_date_at_start() {
    let services = shop().await;
    services.store.client().query("UPDATE policy:shipping SET body = 'Express shipping costs $14.99.'").await.unwrap();
    engine::seed::refresh_content(&services.store).await.unwrap();
    let texts = texts(&services).await;
    assert!(texts.iter().all(|t| !t.contains("14.99")));
    assert!(texts.iter().any(|t| t.contains("{express_shipping}")));
}
