#!/bin/sh
# A lab desktop's DNS hook for the stock openvpn client (--up and --down): what NetworkManager,
# resolvconf or Tunnelblick does on a laptop. It writes the nameservers and search domains the
# gateway pushed to $SKYHOOK_RESOLV_CONF (/etc/netns/NAMESPACE/resolv.conf, which `ip netns exec`
# puts in place of /etc/resolv.conf), and takes them out again when the tunnel goes down.
# Values are only ever written to the file, never run.
set -eu
out="${SKYHOOK_RESOLV_CONF:?}"
case "${script_type:-}" in
  up)
    servers=""
    domains=""
    i=1
    while :; do
      eval "option=\${foreign_option_$i:-}"
      [ -n "$option" ] || break
      case "$option" in
        "dhcp-option DNS "*) servers="$servers ${option#dhcp-option DNS }" ;;
        "dhcp-option DOMAIN "* | "dhcp-option DOMAIN-SEARCH "*)
          # openvpn 2.6 also passes the dns option's search domains on as DOMAIN-SEARCH: once each.
          case " $domains " in
            *" ${option##* } "*) ;;
            *) domains="$domains ${option##* }" ;;
          esac
          ;;
      esac
      i=$((i + 1))
    done
    {
      [ -z "$domains" ] || echo "search$domains"
      for server in $servers; do echo "nameserver $server"; done
      echo "options timeout:2 attempts:2"
    } > "$out.new"
    mv "$out.new" "$out"
    ;;
  down)
    printf '# no VPN tunnel: no nameserver\noptions timeout:1 attempts:1\n' > "$out"
    ;;
esac
