#include "report/report-data.hpp"

#include "store/store.hpp"

namespace eqb {

result<report_store> report_store_load(const std::filesystem::path& results_dir) {
    const auto file = results_dir / "eqbench.db";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) {
        return error{results_dir.string() + ": no eqbench.db here (run a benchmark with --results-dir " +
                     results_dir.string() + " first)"};
    }
    auto db = store::open(results_dir);
    if (!db) {
        return db.err();
    }
    auto runs = (*db)->runs_list();
    if (!runs) {
        return runs.err();
    }
    report_store out;
    out.results_dir = results_dir;
    for (const auto& r : *runs) {
        report_run run;
        run.key = r.key;
        run.benchmark = r.benchmark;
        run.metadata_json = r.metadata_json;
        run.status = r.status;
        run.results_json = r.results_json;
        run.error = r.error;
        run.started_at = r.started_at;
        run.finished_at = r.finished_at;
        auto items = (*db)->items_list(r.id);
        if (!items) {
            return items.err();
        }
        run.items = std::move(*items);
        auto exchanges = (*db)->exchanges_list(r.id);
        if (!exchanges) {
            return exchanges.err();
        }
        run.exchanges = std::move(*exchanges);
        out.runs.push_back(std::move(run));
    }
    return out;
}

}  // namespace eqb
