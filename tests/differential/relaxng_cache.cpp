// Preloaded into virsh's replays (run_scenario.py --replay-preload): libxml2 parses each RelaxNG
// schema once per process instead of once per document. libvirt parses domaincheckpoint.rng and
// every schema it includes for each checkpoint it creates (some 14 ms), and a replay creates all
// the checkpoints of the commands before the one it replays. A parsed schema validates the same
// way however often it is used; the harness compares every replay's output with the session's.
#include <dlfcn.h>
#include <libxml/relaxng.h>

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace {

template <typename F>
F Real(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

std::mutex mutex;
std::map<xmlRelaxNGParserCtxtPtr, std::string>& ContextUrls() {
  static std::map<xmlRelaxNGParserCtxtPtr, std::string> urls;
  return urls;
}
std::map<std::string, xmlRelaxNGPtr>& Parsed() {
  static std::map<std::string, xmlRelaxNGPtr> parsed;
  return parsed;
}
std::set<xmlRelaxNGPtr>& Kept() {
  static std::set<xmlRelaxNGPtr> kept;
  return kept;
}

}  // namespace

extern "C" {

xmlRelaxNGParserCtxtPtr xmlRelaxNGNewParserCtxt(const char* url) {
  static const auto real = Real<xmlRelaxNGParserCtxtPtr (*)(const char*)>(__func__);
  xmlRelaxNGParserCtxtPtr ctxt = real(url);
  std::lock_guard<std::mutex> lock(mutex);
  if (ctxt && url) ContextUrls()[ctxt] = url;
  return ctxt;
}

xmlRelaxNGPtr xmlRelaxNGParse(xmlRelaxNGParserCtxtPtr ctxt) {
  static const auto real = Real<xmlRelaxNGPtr (*)(xmlRelaxNGParserCtxtPtr)>(__func__);
  std::lock_guard<std::mutex> lock(mutex);
  auto url = ContextUrls().find(ctxt);
  if (url == ContextUrls().end()) return real(ctxt);
  auto parsed = Parsed().find(url->second);
  if (parsed != Parsed().end()) return parsed->second;
  xmlRelaxNGPtr schema = real(ctxt);
  if (schema) {
    Parsed()[url->second] = schema;
    Kept().insert(schema);
  }
  return schema;
}

void xmlRelaxNGFree(xmlRelaxNGPtr schema) {
  static const auto real = Real<void (*)(xmlRelaxNGPtr)>(__func__);
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (Kept().count(schema)) return;
  }
  real(schema);
}

void xmlRelaxNGFreeParserCtxt(xmlRelaxNGParserCtxtPtr ctxt) {
  static const auto real = Real<void (*)(xmlRelaxNGParserCtxtPtr)>(__func__);
  {
    std::lock_guard<std::mutex> lock(mutex);
    ContextUrls().erase(ctxt);
  }
  real(ctxt);
}

}  // extern "C"
