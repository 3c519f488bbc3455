//! Who is calling, by network address: the peer itself, or the client a trusted proxy says it
//! forwarded for (`TRUSTED_PROXIES`), and the key rate limits and throttles count it under
//! (an IPv6 client per /64, the block one subscriber is usually given).

use ipnet::IpNet;
use std::net::{IpAddr, Ipv6Addr};

/// The resolved client address of a request (the server's edge puts it in the request's
/// extensions, once, for every layer and handler to read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// The key throttles and budgets count this client under (see [`limit_key`]).
    pub fn key(self) -> String {
        limit_key(self.0).to_string()
    }
}

/// The proxies whose `X-Forwarded-For` is believed. Empty (the default): nobody's is, and the
/// client is the peer, so a client cannot pick its own address by sending the header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses comma-separated CIDRs or single addresses (`10.0.0.0/8, 127.0.0.1, fd00::/8`).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let net = match part.parse::<IpNet>() {
                Ok(net) => net,
                Err(_) => part
                    .parse::<IpAddr>()
                    .map(IpNet::from)
                    .map_err(|_| format!("`{part}` is not a CIDR or an IP address"))?,
            };
            nets.push(net);
        }
        Ok(Self(nets))
    }

    /// True when `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// True when no proxy is trusted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The client's address. When the peer is a trusted proxy, `X-Forwarded-For` is read from the
/// right (the hop nearest to us) and the first address that is not a trusted proxy is the client:
/// entries further left were written by the client or by proxies we do not know, so they could
/// be anything. A malformed entry stops the walk at the last hop that could be trusted.
pub fn client_address(peer: IpAddr, forwarded_for: Option<&str>, trusted: &TrustedProxies) -> IpAddr {
    let peer = canonical(peer);
    if !trusted.contains(peer) {
        return peer;
    }
    let Some(header) = forwarded_for else { return peer };
    let mut client = peer;
    for hop in header.rsplit(',').map(str::trim) {
        let Some(ip) = parse_hop(hop) else { break };
        client = ip;
        if !trusted.contains(ip) {
            break;
        }
    }
    client
}

/// What limits count a client under: an IPv4 address as it is, an IPv6 address by its /64.
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match canonical(ip) {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & (u128::MAX << 64);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
        v4 => v4,
    }
}

/// An IPv4 client reached over an IPv6 socket (`::ffff:a.b.c.d`) is that IPv4 client.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:5`, `[2001:db8::1]:5`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(sa) = hop.parse::<std::net::SocketAddr>() {
        return Some(canonical(sa.ip()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_header_is_ignored_unless_the_peer_is_a_trusted_proxy() {
        let none = TrustedProxies::default();
        assert_eq!(client_address(ip("203.0.113.9"), Some("1.1.1.1"), &none), ip("203.0.113.9"));
        let proxies = TrustedProxies::parse("10.0.0.0/8, 127.0.0.1").unwrap();
        assert_eq!(client_address(ip("203.0.113.9"), Some("1.1.1.1"), &proxies), ip("203.0.113.9"));
    }

    #[test]
    fn behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8,127.0.0.1").unwrap();
        // The client sent a made-up first entry; our proxies appended the real hops.
        let header = "6.6.6.6, 198.51.100.7, 10.1.2.3";
        assert_eq!(client_address(ip("127.0.0.1"), Some(header), &proxies), ip("198.51.100.7"));
        assert_eq!(client_address(ip("127.0.0.1"), None, &proxies), ip("127.0.0.1"));
        assert_eq!(client_address(ip("::ffff:127.0.0.1"), Some("[2001:db8::5]:443"), &proxies), ip("2001:db8::5"));
        // Garbage stops the walk at the last hop we could trust.
        assert_eq!(client_address(ip("127.0.0.1"), Some("not-an-ip, 10.9.9.9"), &proxies), ip("10.9.9.9"));
        // Only proxies all the way: the leftmost of them.
        assert_eq!(client_address(ip("127.0.0.1"), Some("10.0.0.1, 10.0.0.2"), &proxies), ip("10.0.0.1"));
    }

    #[test]
    fn ipv6_clients_share_a_key_per_64_and_ipv4_clients_do_not() {
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), limit_key(ip("2001:db8:1:2:ffff::9")));
        assert_ne!(limit_key(ip("2001:db8:1:2::1")), limit_key(ip("2001:db8:1:3::1")));
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), ip("2001:db8:1:2::"));
        assert_ne!(limit_key(ip("192.0.2.1")), limit_key(ip("192.0.2.2")));
        assert_eq!(limit_key(ip("::ffff:192.0.2.1")), ip("192.0.2.1"));
    }

    #[test]
    fn bad_proxy_settings_are_refused_with_the_offending_part() {
        let err = TrustedProxies::parse("10.0.0.0/8, nonsense").unwrap_err();
        assert!(err.contains("nonsense"), "{err}");
        assert!(TrustedProxies::parse("").unwrap().is_empty());
    }
}
