#include "store/files/completed_job_file.hpp"

#include "util/strings.hpp"
#include "xml/document.hpp"
#include "xml/schema_path.hpp"
#include "xml/writer.hpp"

namespace virtckpt::store::files {

namespace {

int64_t SecondsAttribute(const xml::Node& node, const char* name) {
  return static_cast<int64_t>(util::ParseUint64(node.Attribute(name).value_or("0")).value_or(0));
}

}  // namespace

std::string FormatCompletedJob(const CompletedJob& job) {
  xml::Node root = xml::Node::Element("completedjob");
  root.SetAttribute("outcome", JobOutcomeToString(job.outcome));
  if (!job.checkpoint.empty()) root.SetAttribute("checkpoint", job.checkpoint);
  if (!job.since.empty()) root.SetAttribute("since", job.since);
  root.SetAttribute("started", std::to_string(job.started));
  root.SetAttribute("ended", std::to_string(job.ended));
  return xml::FormatElement(root);
}

CompletedJob ParseCompletedJob(const std::string& text, const std::string& source) {
  xml::ParseOptions options;
  options.source = source;
  xml::Document doc = xml::Document::Parse(text, options);
  doc.Validate(xml::Schema::Load(xml::SchemaPath("completedjob.rng")));
  xml::Node root = doc.Root();
  CompletedJob job;
  job.outcome = JobOutcomeFromString(root.Attribute("outcome").value_or("")).value_or(job.outcome);
  job.checkpoint = root.Attribute("checkpoint").value_or("");
  job.since = root.Attribute("since").value_or("");
  job.started = SecondsAttribute(root, "started");
  job.ended = SecondsAttribute(root, "ended");
  return job;
}

}  // namespace virtckpt::store::files
