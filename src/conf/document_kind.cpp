#include "conf/document_kind.hpp"

#include "util/enum_names.hpp"
#include "util/error.hpp"
#include "xml/schema_path.hpp"

namespace virtckpt::conf {

using util::Error;
using util::ErrorCode;

namespace {

constexpr util::EnumNames<DocumentKind, 6> kKindNames{{{
    {DocumentKind::Checkpoint, "checkpoint"},
    {DocumentKind::StoreFile, "storefile"},
    {DocumentKind::Domain, "domain"},
    {DocumentKind::DomainBackup, "domainbackup"},
    {DocumentKind::Manifest, "manifest"},
    {DocumentKind::Bundle, "bundle"},
}}};
static_assert(kKindNames.Covers(kLastDocumentKind));

// The store's own element in checkpoints/NAME.xml (schemas/checkpointfile.rng).
constexpr const char* kStoreElement = "internal";

void Check(const xml::Document& doc, const std::string& path, std::vector<std::string>* used) {
  used->push_back(path);
  doc.Validate(xml::Schema::Load(path));
}

// libvirt's domain.rng where it is installed, else ours.
std::string DomainSchema() {
  return xml::LibvirtSchemaPath("domain.rng").value_or(xml::SchemaPath("domain.rng"));
}

}  // namespace

const char* DocumentKindToString(DocumentKind kind) { return kKindNames.Name(kind); }

std::optional<DocumentKind> DocumentKindFromString(const std::string& name) {
  return kKindNames.Value(name);
}

std::vector<std::string> DocumentKindNames() {
  std::vector<std::string> names;
  for (const auto& row : kKindNames.rows) names.push_back(row.second);
  return names;
}

DocumentKind DetectDocumentKind(const xml::Document& doc) {
  const std::string root = doc.RootName();
  if (root == "domaincheckpoint") {
    return doc.Root().FirstChild(kStoreElement) ? DocumentKind::StoreFile
                                                : DocumentKind::Checkpoint;
  }
  if (root == "domain") return DocumentKind::Domain;
  if (root == "domainbackup") return DocumentKind::DomainBackup;
  if (root == "checkpointmanifest") return DocumentKind::Manifest;
  if (root == "checkpointbundle") return DocumentKind::Bundle;
  throw Error(ErrorCode::XmlConfigError,
              "cannot tell what the document is from its root element '" + root +
                  "' (domaincheckpoint, domain, domainbackup, checkpointmanifest or "
                  "checkpointbundle expected)");
}

void ValidateDocument(const xml::Document& doc, DocumentKind kind, std::vector<std::string>* used) {
  switch (kind) {
    case DocumentKind::Checkpoint:
      Check(doc, xml::SchemaPath("domaincheckpoint.rng"), used);
      if (std::optional<xml::Document> domain = doc.ChildDocument("domain")) {
        Check(*domain, DomainSchema(), used);
      }
      return;
    case DocumentKind::StoreFile:
      Check(doc, xml::SchemaPath("checkpointfile.rng"), used);
      return;
    case DocumentKind::Domain:
      Check(doc, DomainSchema(), used);
      return;
    case DocumentKind::DomainBackup:
      Check(doc, xml::SchemaPath("domainbackup.rng"), used);
      return;
    case DocumentKind::Manifest:
      Check(doc, xml::SchemaPath("checkpointmanifest.rng"), used);
      return;
    case DocumentKind::Bundle:
      Check(doc, xml::SchemaPath("checkpointbundle.rng"), used);
      return;
  }
}

}  // namespace virtckpt::conf
