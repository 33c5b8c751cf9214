// The names of the file store's files (store/files/file_names.hpp), as docs/store-format.md lists
// them: the paths are the directory as given, '/' and the name.
#include <catch2/catch.hpp>
#include <string>

#include "store/files/file_names.hpp"

namespace {

using namespace virtckpt::store::files;

}  // namespace

TEST_CASE("the files of the store's root") {
  CHECK(StoreFormatFileName("/srv/store") == "/srv/store/.virtckpt-format");
  CHECK(DomainDirName("/srv/store", "vm1") == "/srv/store/vm1");
  CHECK(DomainDirName("/srv/store/", "vm1") == "/srv/store//vm1");  // never normalised
  std::string removed = RemovedDomainDirName("/srv/store");
  CHECK(removed.rfind("/srv/store/.virtckpt-undefined.", 0) == 0);
  CHECK(IsRemovedDomainDirName(removed.substr(removed.rfind('/') + 1)));
  CHECK(IsRemovedDomainDirName(".virtckpt-undefined.1"));
  CHECK_FALSE(IsRemovedDomainDirName(".virtckpt-format"));
  CHECK_FALSE(IsRemovedDomainDirName("vm1"));
  CHECK(std::string(kReservedNamePrefix) == ".virtckpt-");
}

TEST_CASE("the files of a domain directory, by path and by the name a journal records") {
  const std::string dir = "/srv/store/vm1";
  CHECK(DomainFileName(dir) == dir + "/domain.xml");
  CHECK(SettingsFileName(dir) == dir + "/settings.xml");
  CHECK(CurrentFileName(dir) == dir + "/current");
  CHECK(BitmapOpsFileName(dir) == dir + "/bitmap-ops.xml");
  CHECK(JobFileName(dir) == dir + "/job.xml");
  CHECK(CompletedJobFileName(dir) == dir + "/last-job.xml");
  CHECK(JournalFileName(dir) == dir + "/journal");
  CHECK(IndexFileName(dir) == dir + "/index");
  CHECK(LockFileName(dir) == dir + "/lock");
  CHECK(CheckpointDirName(dir) == dir + "/checkpoints");
  CHECK(CheckpointFileName(dir, "c1") == dir + "/checkpoints/c1.xml");
  CHECK(CheckpointBaseName("c1") == "c1.xml");
  CHECK(CheckpointEntryName("c1") == "checkpoints/c1.xml");
  CHECK(PathIn(dir, kDomainFile) == DomainFileName(dir));
  CHECK(PathIn(dir, kSettingsFile) == SettingsFileName(dir));
  CHECK(PathIn(dir, kCurrentFile) == CurrentFileName(dir));
  CHECK(PathIn(dir, kBitmapOpsFile) == BitmapOpsFileName(dir));
  CHECK(PathIn(dir, kJobFile) == JobFileName(dir));
  CHECK(PathIn(dir, kCompletedJobFile) == CompletedJobFileName(dir));
  CHECK(PathIn(dir, CheckpointEntryName("c1")) == CheckpointFileName(dir, "c1"));
  CHECK(std::string(kCheckpointSuffix) == ".xml");
}

TEST_CASE("what killed writers leave behind") {
  CHECK(UndoLinkName("/d/checkpoints/c1.xml") == "/d/checkpoints/c1.xml.undo");
  CHECK(IsUndoLinkName("c1.xml.undo"));
  CHECK_FALSE(IsUndoLinkName(".undo"));
  CHECK_FALSE(IsUndoLinkName("c1.xml"));
  CHECK(IsLeftoverName("c1.xml.tmp123"));
  CHECK(IsLeftoverName("index.tmp9"));
  CHECK(IsLeftoverName("domain.xml.undo"));
  CHECK_FALSE(IsLeftoverName("c1.xml.tmp"));
  CHECK_FALSE(IsLeftoverName("c1.xml.tmp12a"));
  CHECK_FALSE(IsLeftoverName(".tmp12"));
  CHECK_FALSE(IsLeftoverName("c1.xml"));
}
