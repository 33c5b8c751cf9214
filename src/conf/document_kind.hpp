// The XML documents virtckpt reads and writes, told apart by their root element, and the
// schemas that check each (what `virtckpt validate` does).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "xml/document.hpp"

namespace virtckpt::conf {

enum class DocumentKind {
  Checkpoint,    // <domaincheckpoint>, libvirt's document
  StoreFile,     // <domaincheckpoint> with the store's <internal>: checkpoints/NAME.xml
  Domain,        // <domain>
  DomainBackup,  // <domainbackup>
  Manifest,      // <checkpointmanifest>: manifest.xml of an export directory
  Bundle,        // <checkpointbundle>: an export in one document
};
constexpr DocumentKind kLastDocumentKind = DocumentKind::Bundle;

// "checkpoint", "storefile", "domain", "domainbackup", "manifest", "bundle".
const char* DocumentKindToString(DocumentKind kind);
std::optional<DocumentKind> DocumentKindFromString(const std::string& name);
// Every name, in the enum's order.
std::vector<std::string> DocumentKindNames();

// What the root element says the document is. Throws Error(XmlConfigError) naming a root
// element that is none of virtckpt's.
DocumentKind DetectDocumentKind(const xml::Document& doc);

// Validates `doc` as a document of `kind` against virtckpt's schemas and, for a <domain> (the
// document, or the one a checkpoint embeds), against libvirt's domain.rng where libvirt's
// schemas are installed (xml::LibvirtSchemaPath), else virtckpt's domain.rng:
//   checkpoint    domaincheckpoint.rng, then its <domain>, if any, on its own
//   storefile     checkpointfile.rng (what the store reads)
//   domain        libvirt's domain.rng, else domain.rng
//   domainbackup  domainbackup.rng
//   manifest      checkpointmanifest.rng
//   bundle        checkpointbundle.rng
// Each schema's path is appended to `used` before it is applied. Throws Error(XmlInvalidSchema)
// from the first schema the document fails, xml::SchemaUnreadable for a schema that cannot be
// read.
void ValidateDocument(const xml::Document& doc, DocumentKind kind, std::vector<std::string>* used);

}  // namespace virtckpt::conf
