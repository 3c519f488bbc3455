//! Leptos.toml (read by the server) and Cargo.toml's [[workspace.metadata.leptos]] (read by
//! cargo-leptos) must agree, or the server looks for a bundle cargo-leptos never built.

const KEYS: [&str; 5] = ["output-name", "site-root", "site-pkg-dir", "site-addr", "reload-port"];

#[test]
fn leptos_toml_agrees_with_the_workspace_metadata() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let cargo: toml::Value = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap().parse().unwrap();
    let leptos: toml::Value = std::fs::read_to_string(format!("{root}/Leptos.toml")).unwrap().parse().unwrap();
    let workspace = &cargo["workspace"]["metadata"]["leptos"][0];
    let site = &leptos["package"]["metadata"]["leptos"];
    for key in KEYS {
        assert_eq!(workspace.get(key), site.get(key), "`{key}` differs between Cargo.toml and Leptos.toml");
        assert!(site.get(key).is_some(), "`{key}` is set");
    }
}
