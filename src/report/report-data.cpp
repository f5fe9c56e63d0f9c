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
        for (auto& i : *items) {
            report_item item;
            item.iteration = i.iteration;
            item.item_id = std::move(i.item_id);
            item.state = std::move(i.state);
            item.answer = std::move(i.answer);
            item.tries = i.tries;
            item.parsed_json = std::move(i.parsed_json);
            item.scores_json = std::move(i.scores_json);
            item.updated_at = i.updated_at;
            run.items.push_back(std::move(item));
        }
        auto exchanges = (*db)->exchanges_list(r.id);
        if (!exchanges) {
            return exchanges.err();
        }
        for (auto& e : *exchanges) {
            report_exchange ex;
            ex.iteration = e.iteration;
            ex.item_id = std::move(e.item_id);
            ex.attempt = e.attempt;
            ex.role = std::move(e.role);
            ex.endpoint = std::move(e.endpoint);
            ex.request_json = std::move(e.request_json);
            ex.status = std::move(e.status);
            ex.http_status = e.http_status;
            ex.response_body = std::move(e.response_body);
            ex.content = std::move(e.content);
            ex.latency_s = e.latency_s;
            ex.input_tokens = e.input_tokens;
            ex.output_tokens = e.output_tokens;
            ex.created_at = e.created_at;
            run.exchanges.push_back(std::move(ex));
        }
        out.runs.push_back(std::move(run));
    }
    return out;
}

}  // namespace eqb
