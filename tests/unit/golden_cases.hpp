// The golden checkpoint cases of tests/data/checkpoint, shared by the tests that use them.
// tests/data/checkpoint/regen-from-virsh.py reads the two tables below.
#pragma once

#include <cstdint>
#include <string>

#include "conf/checkpoint_def.hpp"
#include "conf/domain_def.hpp"
#include "test_support.hpp"

namespace virtckpt::test {

constexpr int64_t kNow = 1704067200;  // 2024-01-01 00:00:00 UTC, libfaketime's time in virsh

enum class Dom { kSingle, kMulti };

// One golden case: NAME.xml in in/ (or invalid/), the domain it is checked against, and the
// checkpoint that exists before it (virsh creates it first; a created checkpoint becomes its
// child, a redefined one names it in <parent>). The prefix says how it is parsed:
// "create-" (flags 0, then PrepareCreate at kNow) or "redefine-" (kParseRedefine, then
// PrepareRedefine).
struct Case {
  const char* name;
  Dom domain;
  const char* parent;
};

// clang-format off
inline const Case kGoldenCases[] = {
    {"create-empty", Dom::kSingle, ""},
    {"create-name", Dom::kSingle, ""},
    {"create-description-escaped", Dom::kSingle, ""},
    {"create-description-empty", Dom::kSingle, ""},
    {"create-description-multiline", Dom::kSingle, ""},
    {"create-ignored-fields", Dom::kSingle, ""},
    {"create-interleaved", Dom::kSingle, ""},
    {"create-comments-whitespace", Dom::kSingle, ""},
    {"create-disk-default", Dom::kSingle, ""},
    {"create-disk-no", Dom::kSingle, ""},
    {"create-disk-by-path", Dom::kSingle, ""},
    {"create-custom-bitmap", Dom::kSingle, ""},
    {"create-size-ignored", Dom::kSingle, ""},
    {"create-with-parent", Dom::kSingle, "base"},
    {"create-name-dash", Dom::kSingle, ""},
    {"create-multi-default", Dom::kMulti, ""},
    {"create-multi-listed", Dom::kMulti, "base"},
    {"create-multi-by-path", Dom::kMulti, ""},
    {"create-multi-raw-bitmap", Dom::kMulti, ""},
    {"create-multi-all-no", Dom::kMulti, ""},
    {"create-multi-shared-bitmap", Dom::kMulti, ""},
    {"redefine-minimal", Dom::kSingle, ""},
    {"redefine-parent", Dom::kSingle, "base"},
    {"redefine-disks-nodomain", Dom::kSingle, ""},
    {"redefine-description-escaped", Dom::kSingle, ""},
    {"redefine-with-domain", Dom::kSingle, ""},
    {"redefine-with-domain-disks", Dom::kSingle, ""},
    {"redefine-multi-with-domain", Dom::kMulti, ""},
    {"redefine-multi-domain-nodisks", Dom::kMulti, "base"},
};

inline const Case kInvalidCases[] = {
    {"create-empty-document", Dom::kSingle, ""},
    {"create-malformed", Dom::kSingle, ""},
    {"create-mismatched-tag", Dom::kSingle, ""},
    {"create-undefined-entity", Dom::kSingle, ""},
    {"create-wrong-root", Dom::kSingle, ""},
    {"create-unknown-element", Dom::kSingle, ""},
    {"create-unknown-attribute", Dom::kSingle, ""},
    {"create-name-slash", Dom::kSingle, ""},
    {"create-name-empty", Dom::kSingle, ""},
    {"create-name-leading-dot", Dom::kSingle, ""},
    {"create-name-escapes", Dom::kSingle, ""},
    {"create-name-twice", Dom::kSingle, ""},
    {"create-disks-empty", Dom::kSingle, ""},
    {"create-disk-no-name", Dom::kSingle, ""},
    {"create-disk-relative-path", Dom::kSingle, ""},
    {"create-checkpoint-type-bad", Dom::kSingle, ""},
    {"create-checkpoint-type-default", Dom::kSingle, ""},
    {"create-no-with-bitmap", Dom::kSingle, ""},
    {"create-size-negative", Dom::kSingle, ""},
    {"create-parent-without-name", Dom::kSingle, ""},
    {"create-disk-unknown", Dom::kSingle, ""},
    {"create-disk-unknown-path", Dom::kSingle, ""},
    {"create-too-many-disks", Dom::kSingle, ""},
    {"create-multi-disk-twice", Dom::kMulti, ""},
    {"create-multi-disk-twice-by-path", Dom::kMulti, ""},
    {"create-multi-readonly", Dom::kMulti, ""},
    {"create-multi-empty-cdrom", Dom::kMulti, ""},
    {"create-multi-too-many", Dom::kMulti, ""},
    {"redefine-no-name", Dom::kSingle, ""},
    {"redefine-empty", Dom::kSingle, ""},
    {"redefine-no-creation-time", Dom::kSingle, ""},
    {"redefine-bad-creation-time", Dom::kSingle, ""},
    {"redefine-negative-creation-time", Dom::kSingle, ""},
    {"redefine-uuid-mismatch", Dom::kSingle, ""},
    {"redefine-domain-unknown-disk", Dom::kSingle, ""},
    {"redefine-domain-no-disks", Dom::kSingle, ""},
    {"redefine-multi-domain-readonly", Dom::kMulti, ""},
    {"redefine-internal-active", Dom::kSingle, ""},
};
// clang-format on

inline std::string Golden(const std::string& path) { return DataDir() + "/checkpoint/" + path; }

inline const conf::DomainDef& DomainFor(Dom dom) {
  static const conf::DomainDef single = ExampleDomain("single");
  static const conf::DomainDef multi = ExampleDomain("multi");
  return dom == Dom::kSingle ? single : multi;
}

inline bool IsRedefine(const std::string& name) { return name.rfind("redefine-", 0) == 0; }

// What `checkpoint-create DOMAIN FILE [--redefine]` does with the document, up to storing it.
inline conf::CheckpointDef CreateOrRedefine(const Case& c, const std::string& text) {
  bool redefine = IsRedefine(c.name);
  conf::CheckpointDef def =
      conf::ParseCheckpoint(text, redefine ? unsigned{conf::kParseRedefine} : 0u);
  if (redefine) {
    conf::PrepareRedefine(&def, DomainFor(c.domain));
  } else {
    conf::PrepareCreate(&def, DomainFor(c.domain), kNow);
    def.parent = c.parent;  // the store makes the current checkpoint the parent
  }
  return def;
}

}  // namespace virtckpt::test
