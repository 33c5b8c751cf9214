// Housekeeping of a domain's directory in the file store, done under its writer lock.
#pragma once

#include <string>

namespace virtckpt::store::files {

// Removes the temporary files and undo links that killed writers left in `dir` and in its
// checkpoints/ folder. Only for a holder of the domain's writer lock.
void RemoveLeftovers(const std::string& dir);

// Removes the domain directory `root`/`name` and everything in it. Only for a holder of the
// domain's writer lock, who must already have removed domain.xml. The directory is first renamed
// to a reserved name, so that a process that comes later makes a new one, lock file and all,
// instead of locking a file that is about to go. Leftovers of an earlier removal that was killed
// go too.
void RemoveDomainDirectory(const std::string& root, const std::string& name);

}  // namespace virtckpt::store::files
