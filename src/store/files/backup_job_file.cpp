#include "store/files/backup_job_file.hpp"

#include "util/strings.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"
#include "xml/writer.hpp"

namespace virtckpt::store::files {

namespace {

xml::Document ParseXml(const std::string& text, const std::string& source) {
  xml::ParseOptions options;
  options.source = source;
  return xml::Document::Parse(text, options);
}

}  // namespace

std::string FormatBackupJob(const BackupJob& job) {
  xml::Node root = xml::Node::Element("backupjob");
  if (!job.checkpoint.empty()) root.SetAttribute("checkpoint", job.checkpoint);
  if (!job.since.empty()) root.SetAttribute("since", job.since);
  root.SetAttribute("started", std::to_string(job.started));
  if (job.reuse_external) root.SetAttribute("reuseExternal", "yes");
  if (!job.backup_xml.empty()) root.AppendChild(ParseXml(job.backup_xml, "(domain_backup)").Root());
  return xml::FormatElement(root);
}

BackupJob ParseBackupJob(const std::string& text, const std::string& source) {
  xml::Document doc = ParseXml(text, source);
  doc.Validate(xml::Schema::Load(xml::SchemaPath("backupjob.rng")));
  xml::Node root = doc.Root();
  BackupJob job;
  job.checkpoint = root.Attribute("checkpoint").value_or("");
  job.since = root.Attribute("since").value_or("");
  job.started =
      static_cast<int64_t>(util::ParseUint64(root.Attribute("started").value_or("0")).value_or(0));
  job.reuse_external = root.Attribute("reuseExternal").value_or("") == "yes";
  if (const xml::Node* backup = root.FirstChild("domainbackup")) {
    job.backup_xml = xml::FormatElement(*backup);
  }
  return job;
}

}  // namespace virtckpt::store::files
