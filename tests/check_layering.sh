#!/usr/bin/env bash
# Checks every #include against the layering table of docs/architecture.md: each library may
# include only itself, the layers below it, and its allowed third-party headers.
set -uo pipefail
cd "$(dirname "$0")/.."

# dir | allowed project prefixes | allowed system include patterns (regex)
rules=(
  "net/base|net/base/|^<[a-z_0-9]+>$|^<(arpa|netinet|sys)/"
  "net/dns|net/base/ net/dns/|^<[a-z_0-9]+>$|^<(arpa|netinet|sys)/|^<gtest/|^<gmock/"
  "net/http|net/base/ net/http/|^<[a-z_0-9]+>$|^<gtest/|^<gmock/"
  "net/io|net/base/ net/dns/ net/http/ net/io/|^<[a-z_0-9]+>$|^<uv\.h>$|^<(unistd|fcntl|errno|sched|poll)\.h>$|^<(arpa|net|netinet|sys)/|^<gtest/|^<gmock/"
  "crypto|net/base/ net/dns/ crypto/|^<[a-z_0-9]+>$|^<openssl/|^<gssapi/[a-z_0-9]+\.h>$|^<krb5\.h>$|^<idn2\.h>$|^<gtest/|^<gmock/"
  # GSS-TSIG against BIND (gss_context_tests): crypto/ and net/dns with a blocking TCP socket.
  "tests/gss|net/base/ net/dns/ crypto/|^<[a-z_0-9]+>$|^<(arpa|netinet|sys)/|^<unistd\.h>$|^<gtest/|^<gmock/"
  "cache|net/base/ net/dns/ cache/|^<[a-z_0-9]+>$|^<lmdb\.h>$|^<unistd\.h>$|^<gtest/|^<gmock/"
  # The resolver floor, room by room (docs/architecture.md "Rooms"): the shared vocabulary at
  # the bottom; iterator, forwarder and validator never include each other or the pipeline.
  "resolver/query|net/base/ net/dns/ resolver/query/|^<[a-z_0-9]+>$|^<gtest/|^<gmock/"
  "resolver/config|net/base/ net/dns/ crypto/gss_name.h resolver/query/ resolver/config/|^<[a-z_0-9]+>$|^<yaml-cpp/|^<gtest/|^<gmock/"
  "resolver/iterator|net/base/ net/dns/ crypto/random.h resolver/query/ resolver/config/ resolver/iterator/ resolver/testing/|^<[a-z_0-9]+>$|^<arpa/|^<gtest/|^<gmock/"
  "resolver/forwarder|net/base/ net/dns/ resolver/query/ resolver/config/ resolver/forwarder/ resolver/testing/|^<[a-z_0-9]+>$|^<gtest/|^<gmock/"
  "resolver/mirror|net/base/ net/dns/ net/io/ crypto/ cache/ resolver/query/ resolver/config/ resolver/mirror/ resolver/testing/|^<[a-z_0-9]+>$|^<uv\.h>$|^<gtest/|^<gmock/"
  "resolver/validator|net/base/ net/dns/ crypto/ resolver/query/ resolver/config/ resolver/validator/ resolver/testing/|^<[a-z_0-9]+>$|^<gtest/|^<gmock/"
  "resolver/upstream|net/base/ net/dns/ net/io/ crypto/ resolver/query/ resolver/gss/ resolver/upstream/ resolver/metrics/latency_histogram.h|^<[a-z_0-9]+>$|^<uv\.h>$|^<(arpa|netinet|sys)/|^<gtest/|^<gmock/"
  "resolver/gss|net/base/ net/dns/ crypto/ resolver/gss/|^<[a-z_0-9]+>$|^<gtest/|^<gmock/"
  "resolver/cache_store|net/base/ net/dns/ cache/ resolver/query/ resolver/cache_store/|^<[a-z_0-9]+>$|^<unistd\.h>$|^<gtest/|^<gmock/"
  "resolver/pipeline|net/base/ net/dns/ resolver/query/ resolver/forwarder/ resolver/pipeline/ resolver/testing/|^<[a-z_0-9]+>$|^<gtest/|^<gmock/"
  "resolver/server|net/base/ net/dns/ net/io/ crypto/ resolver/query/ resolver/config/ resolver/pipeline/ resolver/server/ resolver/testing/ resolver/metrics/latency_histogram.h|^<[a-z_0-9]+>$|^<gtest/|^<gmock/"
  # Metrics: the one room with prometheus-cpp (core headers only). It reads the stats structs
  # of the rooms below the daemon; server and upstream hold its header-only latency histogram
  # (and nothing else of it). The daemon feeds it pointers, so it never includes the daemon.
  "resolver/metrics|net/base/ net/dns/ net/io/listener.h cache/ resolver/query/ resolver/config/ resolver/server/ resolver/upstream/ resolver/pipeline/ resolver/cache_store/ resolver/validator/ resolver/mirror/ resolver/metrics/|^<[a-z_0-9]+>$|^<prometheus/(collectable|metric_family|client_metric|metric_type|text_serializer)\.h>$|^<gtest/|^<gmock/"
  "resolver/testing|net/base/ net/dns/ crypto/ resolver/query/ resolver/config/ resolver/iterator/ resolver/forwarder/ resolver/pipeline/ resolver/testing/|^<[a-z_0-9]+>$"
  # The scenario runner (tests/scenarios/README.md) wires the whole floor, as the daemon does.
  "tests/scenarios|net/base/ net/dns/ net/io/ crypto/ cache/ resolver/ tests/scenarios/|^<[a-z_0-9]+>$|^<unistd\.h>$|^<gtest/|^<gmock/"
  "tools|net/base/ net/dns/ net/io/ crypto/ tools/|^<[a-z_0-9]+>$|^<CLI/|^<(arpa|netinet|sys)/|^<(unistd|fcntl|errno|poll)\.h>$"
)
bad=0
for rule in "${rules[@]}"; do
  IFS='|' read -r dir prefixes system <<<"$rule"
  [ -d "$dir" ] || continue
  while IFS= read -r line; do
    file=${line%%:*}
    inc=$(sed -E 's/.*#include[[:space:]]*//' <<<"${line#*:}")
    case "$inc" in
      \"*)
        path=${inc//\"/}
        ok=0
        for p in $prefixes; do [[ "$path" == "$p"* ]] && ok=1; done
        [ $ok -eq 1 ] || { echo "layering: $file includes $inc (allowed: $prefixes)"; bad=1; }
        ;;
      \<*)
        # base/dns headers may only use the standard library; tests may use gtest.
        if [ "$dir" = net/base ] && [[ "$file" == *_test.cc ]] && [[ "$inc" =~ ^\<g(test|mock)/ ]]; then continue; fi
        [[ "$inc" =~ $system ]] || { echo "layering: $file includes $inc (not allowed in $dir)"; bad=1; }
        ;;
    esac
  done < <(grep -rHn --include='*.h' --include='*.cc' -E '^[[:space:]]*#include' "$dir" | sed -E 's/^([^:]+):[0-9]+:/\1:/')
done
if [ $bad -eq 0 ]; then echo "layering: every #include respects docs/architecture.md"; fi
exit $bad
