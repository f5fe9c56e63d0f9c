#pragma once
// The console every command prints to: lines as they come (stdout), problems
// on stderr, the progress line in place on a terminal.

#include <optional>
#include <string>

#include "batch/batch.hpp"
#include "report/progress.hpp"

namespace eqb {

// The console: lines as they come, the progress line in place.
class console_listener final : public batch_listener {
  public:
    void line(const std::string& text) override;
    void problem(const std::string& text) override;
    void progress(const progress_snapshot& snapshot, bool final) override;

  private:
    std::optional<progress_printer> printer_;
};

}  // namespace eqb
