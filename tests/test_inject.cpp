// The SYSBPF_INJECT rule grammar (lib/diag/inject.hpp): every rule form and
// every class of bad rule, and the firing schedule of each mode.
#include "diag/inject.hpp"
#include "harness/harness.hpp"

#include <cerrno>
#include <cstring>
#include <string>

using sysbpf::diag::InjectRule;
using sysbpf::diag::kMaxInjectRules;
using sysbpf::diag::parse_inject_rules;
using sysbpf::trace::Fn;

namespace {

struct Parsed {
    int n;
    InjectRule r[kMaxInjectRules];
    char why[200];
};

Parsed parse(const char *spec)
{
    Parsed p{};
    p.n = parse_inject_rules(spec, p.r, p.why, sizeof(p.why));
    return p;
}

std::string refusal(const char *spec)
{
    Parsed p = parse(spec);
    return p.n < 0 ? std::string(p.why) : std::string("accepted");
}

} // namespace

TEST_CASE("inject: FUNCTION:ERRNO fails every call")
{
    Parsed p = parse("bpf_map_create:ENOMEM");
    REQUIRE(p.n == 1);
    CHECK(p.r[0].fn == Fn::bpf_map_create);
    CHECK(p.r[0].err == ENOMEM);
    CHECK(p.r[0].mode == InjectRule::Mode::Always);
    for (unsigned long long k = 1; k < 5; k++)
        CHECK(sysbpf::diag::inject_fires(p.r[0], k));
}

TEST_CASE("inject: errno by name, by number, and ENOTSUPP")
{
    CHECK(parse("bpf_prog_load:EPERM").r[0].err == EPERM);
    CHECK(parse("bpf_prog_load:7").r[0].err == 7);
    CHECK(parse("bpf_prog_load:4095").r[0].err == 4095);
    CHECK(parse("bpf_prog_load:ENOTSUPP").r[0].err == 524);
    CHECK(parse("bpf_prog_load:E2BIG").r[0].err == E2BIG);
}

TEST_CASE("inject: nth=N fails the Nth matching call only")
{
    Parsed p = parse("bpf_map_create:ENOMEM:nth=2");
    REQUIRE(p.n == 1);
    CHECK(p.r[0].mode == InjectRule::Mode::Nth);
    CHECK(!sysbpf::diag::inject_fires(p.r[0], 1));
    CHECK(sysbpf::diag::inject_fires(p.r[0], 2));
    CHECK(!sysbpf::diag::inject_fires(p.r[0], 3));
    CHECK(!sysbpf::diag::inject_fires(p.r[0], 4));
}

TEST_CASE("inject: every=N fails calls N, 2N, ...")
{
    Parsed p = parse("bpf_prog_load:EPERM:every=3");
    REQUIRE(p.n == 1);
    std::string fired;
    for (unsigned long long k = 1; k <= 9; k++)
        fired += sysbpf::diag::inject_fires(p.r[0], k) ? 'x' : '.';
    CHECK(fired == "..x..x..x");
}

TEST_CASE("inject: p=P with seed=S is a fixed schedule of about P")
{
    Parsed a = parse("bpf_map_update_elem:E2BIG:p=0.01:seed=7");
    Parsed b = parse("bpf_map_update_elem:E2BIG:seed=7:p=0.01");
    Parsed c = parse("bpf_map_update_elem:E2BIG:p=0.01:seed=8");
    REQUIRE(a.n == 1);
    REQUIRE(b.n == 1);
    CHECK(a.r[0].mode == InjectRule::Mode::Prob);
    CHECK(a.r[0].seed == 7);
    unsigned fa = 0, diff = 0;
    for (unsigned long long k = 1; k <= 100000; k++) {
        bool x = sysbpf::diag::inject_fires(a.r[0], k);
        CHECK(x == sysbpf::diag::inject_fires(b.r[0], k));
        fa += x;
        diff += x != sysbpf::diag::inject_fires(c.r[0], k);
    }
    CHECK(fa > 800);
    CHECK(fa < 1200);
    CHECK(diff > 0); // another seed, another schedule
    Parsed none = parse("bpf_map_update_elem:E2BIG:p=0");
    Parsed all = parse("bpf_map_update_elem:E2BIG:p=1");
    Parsed half = parse("bpf_map_update_elem:E2BIG:p=.5");
    REQUIRE(half.n == 1);
    unsigned fh = 0;
    for (unsigned long long k = 1; k <= 1000; k++) {
        CHECK(!sysbpf::diag::inject_fires(none.r[0], k));
        CHECK(sysbpf::diag::inject_fires(all.r[0], k));
        fh += sysbpf::diag::inject_fires(half.r[0], k);
    }
    CHECK(fh > 400);
    CHECK(fh < 600);
}

TEST_CASE("inject: name= and type= select the calls")
{
    Parsed p = parse("bpf_map_create:ENOMEM:name=counts:type=hash");
    REQUIRE(p.n == 1);
    CHECK(std::strcmp(p.r[0].name, "counts") == 0);
    CHECK(p.r[0].has_type);
    CHECK(p.r[0].type_value[0] == BPF_MAP_TYPE_HASH); // EnumKind::MapType
    Parsed q = parse("bpf_prog_load:EPERM:type=BPF_PROG_TYPE_XDP");
    REQUIRE(q.n == 1);
    CHECK(q.r[0].type_value[1] == BPF_PROG_TYPE_XDP);
    CHECK(q.r[0].type_value[0] == -1);
    Parsed a = parse("bpf_prog_attach:EPERM:type=cgroup_inet_ingress");
    REQUIRE(a.n == 1);
    CHECK(a.r[0].type_value[2] == BPF_CGROUP_INET_INGRESS);
}

TEST_CASE("inject: several rules, comma-separated, up to the limit")
{
    Parsed p = parse("bpf_map_create:ENOMEM:nth=2,bpf_prog_load:EPERM:every=3,bpf_obj_get:ENOENT");
    REQUIRE(p.n == 3);
    CHECK(p.r[1].fn == Fn::bpf_prog_load);
    CHECK(p.r[2].fn == Fn::bpf_obj_get);
    std::string many;
    for (unsigned i = 0; i < kMaxInjectRules; i++)
        many += std::string(i ? "," : "") + "bpf_map_freeze:EBUSY";
    CHECK(parse(many.c_str()).n == static_cast<int>(kMaxInjectRules));
    many += ",bpf_map_freeze:EBUSY";
    CHECK(refusal(many.c_str()) == "more than 16 rules");
}

TEST_CASE("inject: every class of bad rule is refused with its reason")
{
    CHECK(refusal("") == "rule 1: empty rule");
    CHECK(refusal("bpf_map_create:ENOMEM,") == "rule 2: empty rule");
    CHECK(refusal("bpf_map_creat:ENOMEM") == "rule 1: 'bpf_map_creat' is not a bpf.h function");
    CHECK(refusal("bpf_map_create") == "rule 1: missing ':ERRNO' after the function");
    CHECK(refusal("bpf_map_create:") == "rule 1: '' is not an errno name or 1..4095");
    CHECK(refusal("bpf_map_create:EFOO") == "rule 1: 'EFOO' is not an errno name or 1..4095");
    CHECK(refusal("bpf_map_create:0") == "rule 1: '0' is not an errno name or 1..4095");
    CHECK(refusal("bpf_map_create:4096") == "rule 1: '4096' is not an errno name or 1..4095");
    CHECK(refusal("bpf_map_create:enomem") == "rule 1: 'enomem' is not an errno name or 1..4095");
    CHECK(refusal("bpf_map_create:ENOMEM:nth") == "rule 1: option 'nth' lacks '='");
    CHECK(refusal("bpf_map_create:ENOMEM:count=2") == "rule 1: unknown option 'count'");
    CHECK(refusal("bpf_map_create:ENOMEM:nth=0") == "rule 1: nth wants a whole number >= 1, not '0'");
    CHECK(refusal("bpf_map_create:ENOMEM:every=x") ==
          "rule 1: every wants a whole number >= 1, not 'x'");
    CHECK(refusal("bpf_map_create:ENOMEM:nth=-1") ==
          "rule 1: nth wants a whole number >= 1, not '-1'");
    CHECK(refusal("bpf_map_create:ENOMEM:nth=2:every=3") ==
          "rule 1: more than one of nth=, every=, p=");
    CHECK(refusal("bpf_map_create:ENOMEM:p=0.5:p=0.5") == "rule 1: more than one of nth=, every=, p=");
    CHECK(refusal("bpf_map_create:ENOMEM:p=1.5") == "rule 1: p wants a decimal from 0 to 1, not '1.5'");
    CHECK(refusal("bpf_map_create:ENOMEM:p=0,5") == "rule 2: '5' is not a bpf.h function");
    CHECK(refusal("bpf_map_create:ENOMEM:p=1e-2") ==
          "rule 1: p wants a decimal from 0 to 1, not '1e-2'");
    CHECK(refusal("bpf_map_create:ENOMEM:p=.") == "rule 1: p wants a decimal from 0 to 1, not '.'");
    CHECK(refusal("bpf_map_create:ENOMEM:p=") == "rule 1: p wants a decimal from 0 to 1, not ''");
    CHECK(refusal("bpf_map_create:ENOMEM:seed=3") == "rule 1: seed= without p=");
    CHECK(refusal("bpf_map_create:ENOMEM:p=0.1:seed=x") ==
          "rule 1: seed wants one whole number, not 'x'");
    CHECK(refusal("bpf_map_create:ENOMEM:p=0.1:seed=1:seed=2") ==
          "rule 1: seed wants one whole number, not '2'");
    CHECK(refusal("bpf_map_create:ENOMEM:name=") == "rule 1: name wants one name of 1..255 characters");
    CHECK(refusal("bpf_map_create:ENOMEM:name=a:name=b") ==
          "rule 1: name wants one name of 1..255 characters");
    CHECK(refusal(("bpf_map_create:ENOMEM:name=" + std::string(256, 'a')).c_str()) ==
          "rule 1: name wants one name of 1..255 characters");
    CHECK(parse(("bpf_map_create:ENOMEM:name=" + std::string(255, 'a')).c_str()).n == 1);
    CHECK(refusal("bpf_map_create:ENOMEM:type=hashy") ==
          "rule 1: 'hashy' is not one map, program or attach type name");
    CHECK(refusal("bpf_map_create:ENOMEM:type=hash:type=array") ==
          "rule 1: 'array' is not one map, program or attach type name");
    CHECK(refusal("bpf_map_create:ENOMEM::nth=2") == "rule 1: option '' lacks '='");
    CHECK(refusal("bpf_map_create:ENOMEM,bpf_prog_load:EPERM:nth=0") ==
          "rule 2: nth wants a whole number >= 1, not '0'");
}
