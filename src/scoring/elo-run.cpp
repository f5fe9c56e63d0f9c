#include "scoring/elo-run.hpp"

#include <algorithm>
#include <deque>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/python-float.hpp"
#include "scoring/elo-matchup.hpp"

namespace eqb {

namespace {

constexpr char key_separator = '\x1f';
constexpr int stored_digits = 2;               // round(x, 2) of stored ratings
constexpr int dedup_digits = 4;                // deduplicate_comparisons_cw's round(fraction, 4)
constexpr std::size_t cw3_top_iterations = 2;  // MAX_ITERS_PER_MODEL_FOR_PAIRING
constexpr std::string_view eqbench3_no_final_comparisons = "No valid comparisons for final solve";
constexpr std::string_view cw3_no_final_comparisons = "No comparisons for final solve after filtering.";

std::string join_key(std::initializer_list<std::string_view> parts) {
    std::string key;
    for (const auto p : parts) {
        key.append(p);
        key.push_back(key_separator);
    }
    return key;
}

std::string_view direction_tag(pairwise_direction d) {
    return d == pairwise_direction::FORWARD ? "F" : "R";
}

// The key tying a stored result to the request it answers.
std::string request_key(elo_benchmark benchmark, const std::string& neighbor, const std::string& item,
                        const std::string& test_iteration, const std::string& neighbor_iteration,
                        pairwise_direction direction) {
    if (benchmark == elo_benchmark::EQBENCH3) {
        return join_key({neighbor, item, test_iteration, direction_tag(direction)});
    }
    return join_key({neighbor, item, test_iteration, neighbor_iteration, direction_tag(direction)});
}

// EQ-Bench 3's create_matchup_signature: sorted names, scenario, iteration.
std::string eqbench3_signature(const std::string& a, const std::string& b, const std::string& scenario,
                               const std::string& iteration) {
    const bool a_first = !(b < a);
    return join_key({a_first ? a : b, a_first ? b : a, scenario, iteration});
}

std::string eqbench3_pair_key(const std::string& a, const std::string& b) {
    const bool a_first = !(b < a);
    return join_key({a_first ? a : b, a_first ? b : a});
}

// CW3's create_matchup_signature_cw: the sorted (name, iteration) pairs and the item.
std::string cw3_signature(const std::string& test, const std::string& neighbor, const std::string& item,
                          const std::string& test_iteration, const std::string& neighbor_iteration) {
    const bool test_first = std::tie(test, test_iteration) <= std::tie(neighbor, neighbor_iteration);
    if (test_first) {
        return join_key({test, test_iteration, neighbor, neighbor_iteration, item});
    }
    return join_key({neighbor, neighbor_iteration, test, test_iteration, item});
}

// CW3's _sorted key: int(s) for digit strings, else the string (digits first
// here, where Python would raise comparing the two).
bool cw3_id_less(const std::string& a, const std::string& b) {
    const auto digits = [](const std::string& s) {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    const bool da = digits(a);
    const bool db = digits(b);
    if (da != db) {
        return da;
    }
    if (!da) {
        return a < b;
    }
    const auto strip = [](const std::string& s) {
        const auto nz = s.find_first_not_of('0');
        return nz == std::string::npos ? std::string_view() : std::string_view(s).substr(nz);
    };
    const auto x = strip(a);
    const auto y = strip(b);
    return x.size() != y.size() ? x.size() < y.size() : x < y;
}

// Results stored for this run, found by the request they answer; each is used once.
class judged_results {
  public:
    explicit judged_results(const elo_run_input& input) : input_(input), used_(input.judged.size(), false) {
        for (std::size_t i = 0; i < input.judged.size(); ++i) {
            const auto& c = input.judged[i];
            if (c.test_model != input.test_model) {
                continue;
            }
            by_key_[request_key(input.benchmark, c.neighbor_model, c.item_id, c.test_iteration, c.neighbor_iteration,
                                c.direction)]
                .push_back(i);
        }
    }

    // The results of `requests` in request order, or nullopt (and `missing` filled
    // with the unanswered requests) when some have none yet.
    std::optional<std::vector<elo_comparison>> take(const std::vector<elo_request>& requests,
                                                    std::vector<elo_request>& missing) {
        std::vector<elo_comparison> out;
        out.reserve(requests.size());
        for (const auto& r : requests) {
            auto it = by_key_.find(request_key(input_.benchmark, r.neighbor_model, r.item_id, r.test_iteration,
                                               r.neighbor_iteration, r.direction));
            if (it == by_key_.end() || it->second.empty()) {
                missing.push_back(r);
                continue;
            }
            const std::size_t index = it->second.front();
            it->second.pop_front();
            used_[index] = true;
            elo_comparison c = input_.judged[index];
            c.test_model = input_.test_model;
            c.neighbor_model = r.neighbor_model;
            c.item_id = r.item_id;
            c.test_iteration = r.test_iteration;
            c.neighbor_iteration = r.neighbor_iteration;
            c.direction = r.direction;
            out.push_back(std::move(c));
        }
        if (!missing.empty()) {
            return std::nullopt;
        }
        return out;
    }

    std::size_t unused() const { return static_cast<std::size_t>(std::count(used_.begin(), used_.end(), false)); }

  private:
    const elo_run_input& input_;
    std::unordered_map<std::string, std::deque<std::size_t>> by_key_;
    std::vector<bool> used_;
};

std::size_t snapshot_index(const std::vector<elo_snapshot_entry>& snapshot, const std::string& model) {
    for (std::size_t i = 0; i < snapshot.size(); ++i) {
        if (snapshot[i].model == model) {
            return i;
        }
    }
    return snapshot.size();
}

std::size_t ladder_rank(const std::vector<std::string>& ladder, const std::string& model) {
    return static_cast<std::size_t>(std::find(ladder.begin(), ladder.end(), model) - ladder.begin());
}

double snapshot_rating(const std::vector<elo_snapshot_entry>& snapshot, const std::string& model) {
    const auto i = snapshot_index(snapshot, model);
    return i < snapshot.size() ? snapshot[i].rating : 0.0;
}

// Models named by the comparisons, in first-appearance order.
std::vector<std::string> models_in(const std::vector<const elo_comparison*>& comparisons) {
    std::vector<std::string> out;
    std::unordered_set<std::string_view> seen;
    for (const auto* c : comparisons) {
        for (const auto* name : {&c->test_model, &c->neighbor_model}) {
            if (!name->empty() && seen.insert(*name).second) {
                out.push_back(*name);
            }
        }
    }
    return out;
}

// The snapshot's models, then any other model the comparisons name.
std::vector<std::string> models_with(const std::vector<elo_snapshot_entry>& snapshot,
                                     const std::vector<const elo_comparison*>& comparisons) {
    std::vector<std::string> out;
    std::unordered_set<std::string> seen;
    for (const auto& s : snapshot) {
        if (seen.insert(s.model).second) {
            out.push_back(s.model);
        }
    }
    for (const auto& m : models_in(comparisons)) {
        if (seen.insert(m).second) {
            out.push_back(m);
        }
    }
    return out;
}

std::vector<elo_rating> fallback_ratings(const std::vector<elo_snapshot_entry>& snapshot) {
    std::vector<elo_rating> out;
    for (const auto& s : snapshot) {
        elo_rating r;
        r.model = s.model;
        r.elo = s.rating;
        r.elo_norm = s.rating;
        out.push_back(std::move(r));
    }
    return out;
}

const elo_pool_model* find_model(const elo_run_input& input, const std::string& name) {
    for (const auto& m : input.models) {
        if (m.name == name) {
            return &m;
        }
    }
    return nullptr;
}

// ---------------------------------------------------------------------------
// EQ-Bench 3: run_elo_analysis_eqbench3.

class eqbench3_run {
  public:
    explicit eqbench3_run(const elo_run_input& input)
        : in_(input), config_(elo_config_eqbench3()), judged_(input), rng_(input.seed) {}

    elo_run_step run() {
        setup();
        const auto& schedule = elo_schedule(elo_benchmark::EQBENCH3);
        for (std::size_t stage_index = 0; stage_index < schedule.size(); ++stage_index) {
            const auto& stage = schedule[stage_index];
            std::size_t loops = 0;
            bool stable = false;
            while ((stage.anchors && loops == 0) || (!stage.anchors && !stable && loops < elo_max_stage_loops)) {
                ++loops;
                elo_loop_trace trace;
                trace.stage = stage_index + 1;
                trace.loop = loops;
                trace.elo_before = snapshot_rating(snapshot_, in_.test_model);
                const auto ladder = elo_ladder(snapshot_);
                const std::size_t rank_old = ladder_rank(ladder, in_.test_model);
                trace.rank = rank_old;
                trace.ladder_len = ladder.size();
                const auto picks = eqbench3_pick_matchups(rank_old, ladder.size(), stage, rng_);
                trace.jitter = picks.jitter;
                if (picks.ranks.empty()) {
                    trace.no_opponents = true;
                    step_.result.loops.push_back(std::move(trace));
                    break;
                }
                std::vector<elo_request> requests;
                for (const auto idx : picks.ranks) {
                    trace.opponents.push_back(plan_opponent(ladder, rank_old, idx, stage, requests));
                }
                std::vector<elo_request> missing;
                auto results = judged_.take(requests, missing);
                if (!results) {
                    step_.result.loops.push_back(std::move(trace));
                    step_.batch = std::move(missing);
                    return std::move(step_);
                }
                for (const auto& c : *results) {
                    remember(c);
                }
                for (auto& c : *results) {
                    all_.push_back(c);
                    step_.result.new_comparisons.push_back(std::move(c));
                }
                // Re-solve: rank window from stage 2 on, against the snapshot the picks used.
                rank_window_bound_ = true;
                rank_window_ = stage_index > 0 ? std::optional<std::size_t>(config_.rank_window) : std::nullopt;
                const auto comps = solver_comparisons();
                trace.solve_comparisons = comps.size();
                auto next = snapshot_;
                if (!comps.empty()) {
                    const auto mods = models_in(comps);
                    const auto matchups = elo_matchups(config_, mods, comps);
                    const std::vector<double> start(mods.size(), config_.default_elo);
                    const auto solved = elo_solve(config_, mods.size(), matchups, start, config_.bin_size);
                    for (std::size_t i = 0; i < mods.size(); ++i) {
                        const auto at = snapshot_index(next, mods[i]);
                        if (at < next.size()) {
                            next[at].rating = solved.ratings[i].mu();
                        } else {
                            next.push_back({mods[i], solved.ratings[i].mu()});
                        }
                    }
                }
                const std::size_t rank_new = ladder_rank(elo_ladder(next), in_.test_model);
                stable = rank_new == rank_old;
                trace.test_mu_after = snapshot_rating(next, in_.test_model);
                trace.rank_after = rank_new;
                trace.stable = stable;
                snapshot_ = std::move(next);
                step_.result.loops.push_back(std::move(trace));
            }
        }
        finish();
        return std::move(step_);
    }

  private:
    void setup() {
        for (const auto& m : in_.models) {
            snapshot_.push_back({m.name, m.elo.value_or(config_.default_elo)});
            items_[m.name] = items_of(m);
        }
        if (snapshot_index(snapshot_, in_.test_model) == snapshot_.size()) {
            snapshot_.push_back({in_.test_model, config_.default_elo});
        }
        step_.result.start_elo = snapshot_rating(snapshot_, in_.test_model);
        all_.reserve(in_.existing.size() + in_.judged.size());
        for (const auto& c : in_.existing) {
            all_.push_back(c);
            remember(c);
        }
    }

    static std::vector<eqbench3_item> items_of(const elo_pool_model& m) {
        std::vector<eqbench3_item> out;
        for (const auto& it : m.iterations) {
            for (const auto& sid : it.items) {
                out.push_back({sid, it.id});
            }
        }
        const auto less = [](const eqbench3_item& a, const eqbench3_item& b) {
            return std::tie(a.scenario_id, a.iteration) < std::tie(b.scenario_id, b.iteration);
        };
        std::sort(out.begin(), out.end(), less);
        out.erase(std::unique(out.begin(), out.end(),
                              [](const auto& a, const auto& b) {
                                  return a.scenario_id == b.scenario_id && a.iteration == b.iteration;
                              }),
                  out.end());
        return out;
    }

    // build_existing_matchup_set / update_existing_matchups_from_comparisons.
    void remember(const elo_comparison& c) {
        if (c.error || c.test_model.empty() || c.neighbor_model.empty() || c.item_id.empty()) {
            return;
        }
        if (signatures_.insert(eqbench3_signature(c.test_model, c.neighbor_model, c.item_id, c.test_iteration))
                .second) {
            ++pair_counts_[eqbench3_pair_key(c.test_model, c.neighbor_model)];
        }
    }

    elo_loop_opponent plan_opponent(const std::vector<std::string>& ladder, std::size_t rank_old, std::size_t idx,
                                    const elo_stage& stage, std::vector<elo_request>& requests) {
        elo_loop_opponent o;
        o.rank = idx;
        o.model = ladder[idx];
        o.depth = idx > rank_old ? idx - rank_old : rank_old - idx;
        o.cap = elo_opponent_cap(stage, o.depth);
        // The items both can be compared on, in submission order, not judged yet.
        const auto& mine = items_[in_.test_model];
        const auto& theirs = items_[o.model];
        std::vector<eqbench3_item> candidates;
        std::set_intersection(mine.begin(), mine.end(), theirs.begin(), theirs.end(), std::back_inserter(candidates),
                              [](const eqbench3_item& a, const eqbench3_item& b) {
                                  return std::tie(a.scenario_id, a.iteration) < std::tie(b.scenario_id, b.iteration);
                              });
        std::erase_if(candidates, [&](const eqbench3_item& it) {
            return signatures_.count(eqbench3_signature(in_.test_model, o.model, it.scenario_id, it.iteration)) != 0;
        });
        const auto pair_count = pair_counts_.find(eqbench3_pair_key(in_.test_model, o.model));
        const std::size_t existing = pair_count == pair_counts_.end() ? 0 : pair_count->second;
        for (const auto k : eqbench3_pairs_to_judge(candidates, existing, o.cap)) {
            const auto& it = candidates[k];
            elo_request forward{o.model, it.scenario_id, it.iteration, it.iteration, pairwise_direction::FORWARD};
            elo_request reversed = forward;
            reversed.direction = pairwise_direction::REVERSED;
            o.pairs.push_back(forward);
            requests.push_back(std::move(forward));
            requests.push_back(std::move(reversed));
        }
        return o;
    }

    std::vector<const elo_comparison*> solver_comparisons() const {
        auto valid = elo_solver_comparisons(config_, all_);
        if (rank_window_) {
            return elo_within_rank_window(valid, snapshot_, *rank_window_);
        }
        return valid;
    }

    void finish() {
        auto& result = step_.result;
        step_.done = true;
        result.unused_judged = judged_.unused();
        if (!rank_window_bound_) {
            // The reference fails here ('rank_window' unbound) and stores the
            // snapshot; we store the same without the error.
            result.ratings = fallback_ratings(snapshot_);
            return;
        }
        const auto comps = solver_comparisons();
        if (comps.empty()) {
            result.error = std::string(eqbench3_no_final_comparisons);
            result.ratings = fallback_ratings(snapshot_);
            return;
        }
        const auto models = models_with(snapshot_, comps);
        const auto solved = elo_solve_final(config_, models, comps);
        result.ratings = elo_ratings_stored(config_, models, solved.mu, solved.sigma);
    }

    const elo_run_input& in_;
    const elo_config& config_;
    judged_results judged_;
    python_random rng_;
    elo_run_step step_;
    std::vector<elo_snapshot_entry> snapshot_;
    std::unordered_map<std::string, std::vector<eqbench3_item>> items_;
    std::vector<elo_comparison> all_;
    std::unordered_set<std::string> signatures_;
    std::unordered_map<std::string, std::size_t> pair_counts_;
    bool rank_window_bound_ = false;
    std::optional<std::size_t> rank_window_;
};

// ---------------------------------------------------------------------------
// Creative Writing v3: run_elo_analysis_creative.

class cw3_run {
  public:
    explicit cw3_run(const elo_run_input& input) : in_(input), config_(elo_config_cw3()), judged_(input) {}

    elo_run_step run() {
        setup();
        const auto& schedule = elo_schedule(elo_benchmark::CREATIVE_WRITING3);
        for (std::size_t stage_index = 0; stage_index < schedule.size(); ++stage_index) {
            const auto& stage = schedule[stage_index];
            std::size_t loops = 0;
            bool stable = false;
            while ((stage.anchors && loops == 0) || (!stage.anchors && !stable && loops < elo_max_stage_loops)) {
                ++loops;
                elo_loop_trace trace;
                trace.stage = stage_index + 1;
                trace.loop = loops;
                trace.elo_before = snapshot_rating(snapshot_, in_.test_model);
                const auto ladder = elo_ladder(snapshot_);
                const std::size_t rank_old = ladder_rank(ladder, in_.test_model);
                trace.rank = rank_old;
                trace.ladder_len = ladder.size();
                const auto picks = ladder.size() > 1 ? cw3_pick_matchups(rank_old, ladder.size(), stage, in_.seed)
                                                     : std::vector<std::size_t>{};
                if (picks.empty()) {
                    trace.no_opponents = true;
                    stable = true;
                    step_.result.loops.push_back(std::move(trace));
                    continue;
                }
                std::vector<elo_request> requests;
                for (const auto idx : picks) {
                    trace.opponents.push_back(plan_opponent(ladder, rank_old, idx, stage, requests));
                }
                std::vector<elo_request> missing;
                auto results = judged_.take(requests, missing);
                if (!results) {
                    step_.result.loops.push_back(std::move(trace));
                    step_.batch = std::move(missing);
                    return std::move(step_);
                }
                for (const auto& c : *results) {
                    if (!c.error) {
                        signatures_.insert(signature_of(c));
                    }
                }
                if (!results->empty()) {
                    for (auto& c : *results) {
                        all_.push_back(c);
                        step_.result.new_comparisons.push_back(std::move(c));
                    }
                    all_ = cw3_comparisons_deduplicate(all_);
                }
                const auto comps = solver_comparisons();
                trace.solve_comparisons = comps.size();
                if (!comps.empty()) {
                    const auto matchups = elo_matchups(config_, models_, comps);
                    std::vector<double> start;
                    for (const auto& m : models_) {
                        start.push_back(snapshot_rating(snapshot_, m));
                    }
                    const auto solved = elo_solve(config_, models_.size(), matchups, start, config_.bin_size);
                    auto next = snapshot_;
                    for (std::size_t i = 0; i < models_.size(); ++i) {
                        next[snapshot_index(next, models_[i])].rating =
                            python_round(solved.ratings[i].mu(), stored_digits);
                    }
                    const std::size_t rank_new = ladder_rank(elo_ladder(next), in_.test_model);
                    stable = rank_new == rank_old;
                    trace.test_mu_after = snapshot_rating(next, in_.test_model);
                    trace.rank_after = rank_new;
                    snapshot_ = std::move(next);
                }
                trace.stable = stable;
                step_.result.loops.push_back(std::move(trace));
            }
        }
        finish();
        return std::move(step_);
    }

  private:
    void setup() {
        const elo_pool_model* test = nullptr;
        for (const auto& m : in_.models) {
            if (m.name == in_.test_model) {
                test = &m;
            }
        }
        for (const auto& m : in_.models) {
            double rating = m.elo.value_or(config_.default_elo);
            if (&m == test && !m.elo) {
                rating = start_rating(m);
            }
            snapshot_.push_back({m.name, rating});
            models_.push_back(m.name);
        }
        if (test == nullptr) {
            snapshot_.push_back({in_.test_model, config_.default_elo});
            models_.push_back(in_.test_model);
        }
        step_.result.start_elo = snapshot_rating(snapshot_, in_.test_model);
        all_ = cw3_comparisons_deduplicate(in_.existing);
        for (const auto& c : all_) {
            // build_existing_matchup_set_cw keeps error records too.
            if (!c.test_model.empty() && !c.neighbor_model.empty() && !c.item_id.empty()) {
                signatures_.insert(signature_of(c));
            }
        }
    }

    // A new model's entry: its Elo interpolated from the rubric scores, rounded.
    double start_rating(const elo_pool_model& test) const {
        if (!test.rubric_score) {
            return config_.default_elo;
        }
        std::vector<std::pair<double, double>> others;
        for (const auto& m : in_.models) {
            if (m.name != test.name && m.rubric_score && m.elo) {
                others.emplace_back(*m.rubric_score, *m.elo);
            }
        }
        return python_round(cw3_interpolate_elo(*test.rubric_score, others), stored_digits);
    }

    static std::string signature_of(const elo_comparison& c) {
        return cw3_signature(c.test_model, c.neighbor_model, c.item_id, c.test_iteration, c.neighbor_iteration);
    }

    // get_top_n_iterations, then sorted by id (numerically for digit ids).
    static std::vector<const elo_iteration*> top_iterations(const elo_pool_model* m) {
        std::vector<const elo_iteration*> out;
        if (m == nullptr) {
            return out;
        }
        for (const auto& it : m->iterations) {
            out.push_back(&it);
        }
        std::stable_sort(out.begin(), out.end(),
                         [](const auto* a, const auto* b) { return a->rubric_score > b->rubric_score; });
        if (out.size() > cw3_top_iterations) {
            out.resize(cw3_top_iterations);
        }
        std::stable_sort(out.begin(), out.end(),
                         [](const auto* a, const auto* b) { return cw3_id_less(a->id, b->id); });
        return out;
    }

    elo_loop_opponent plan_opponent(const std::vector<std::string>& ladder, std::size_t rank_old, std::size_t idx,
                                    const elo_stage& stage, std::vector<elo_request>& requests) {
        elo_loop_opponent o;
        o.rank = idx;
        o.model = ladder[idx];
        o.depth = idx > rank_old ? idx - rank_old : rank_old - idx;
        o.cap = elo_opponent_cap(stage, o.depth);
        const auto mine = top_iterations(find_model(in_, in_.test_model));
        const auto theirs = top_iterations(find_model(in_, o.model));
        if (mine.empty() || theirs.empty()) {
            return o;
        }
        for (const auto* test_iteration : mine) {
            if (o.pairs.size() >= o.cap) {
                break;
            }
            std::vector<std::string> items = test_iteration->items;
            std::stable_sort(items.begin(), items.end(), cw3_id_less);
            for (const auto& item : items) {
                if (o.pairs.size() >= o.cap) {
                    break;
                }
                if (elo_item_ignored(config_, item)) {
                    continue;
                }
                // The earliest opponent iteration with this prompt.
                const elo_iteration* other = nullptr;
                for (const auto* it : theirs) {
                    if (std::find(it->items.begin(), it->items.end(), item) != it->items.end()) {
                        other = it;
                        break;
                    }
                }
                if (other == nullptr) {
                    continue;
                }
                if (signatures_.count(cw3_signature(in_.test_model, o.model, item, test_iteration->id, other->id)) !=
                    0) {
                    continue;
                }
                o.pairs.push_back({o.model, item, test_iteration->id, other->id, pairwise_direction::FORWARD});
            }
        }
        for (const auto& p : o.pairs) {
            requests.push_back(p);
            elo_request reversed = p;
            reversed.direction = pairwise_direction::REVERSED;
            requests.push_back(std::move(reversed));
        }
        return o;
    }

    std::vector<const elo_comparison*> solver_comparisons() const {
        const auto valid = elo_solver_comparisons(config_, all_);
        if (valid.empty() || snapshot_.empty()) {
            return valid;
        }
        return elo_within_rank_window(valid, snapshot_, config_.rank_window);
    }

    void finish() {
        auto& result = step_.result;
        step_.done = true;
        result.unused_judged = judged_.unused();
        const auto comps = solver_comparisons();
        if (comps.empty()) {
            result.error = std::string(cw3_no_final_comparisons);
            const double sigma = config_.game.env.sigma;
            for (const auto& s : snapshot_) {
                elo_rating r;
                r.model = s.model;
                r.elo = python_round(s.rating, stored_digits);
                r.elo_norm = r.elo;
                r.sigma = python_round(sigma, stored_digits);
                r.ci_low = python_round(s.rating - config_.ci_z * sigma, stored_digits);
                r.ci_high = python_round(s.rating + config_.ci_z * sigma, stored_digits);
                result.ratings.push_back(std::move(r));
            }
            return;
        }
        const auto solved = elo_solve_final(config_, models_, comps);
        result.ratings = elo_ratings_stored(config_, models_, solved.mu, solved.sigma);
    }

    const elo_run_input& in_;
    const elo_config& config_;
    judged_results judged_;
    elo_run_step step_;
    std::vector<elo_snapshot_entry> snapshot_;
    std::vector<std::string> models_;  // all_model_names_in_system, in snapshot order
    std::vector<elo_comparison> all_;
    std::unordered_set<std::string> signatures_;
};

}  // namespace

elo_comparison elo_comparison_judged(const std::string& test_model, const elo_request& request,
                                     const comparison_outcome& outcome) {
    elo_comparison c = elo_comparison_failed(test_model, request);
    c.error = false;
    c.outcome_for_test = outcome.outcome_for_test;
    c.plus_for_test = outcome.plus_for_test;
    c.plus_for_other = outcome.plus_for_other;
    c.fraction_for_test = outcome.fraction_for_test;
    return c;
}

elo_comparison elo_comparison_failed(const std::string& test_model, const elo_request& request) {
    elo_comparison c;
    c.test_model = test_model;
    c.neighbor_model = request.neighbor_model;
    c.item_id = request.item_id;
    c.test_iteration = request.test_iteration;
    c.neighbor_iteration = request.neighbor_iteration;
    c.direction = request.direction;
    c.error = true;
    return c;
}

elo_run_step elo_run_next(const elo_run_input& input) {
    if (input.benchmark == elo_benchmark::EQBENCH3) {
        return eqbench3_run(input).run();
    }
    return cw3_run(input).run();
}

std::vector<elo_comparison> cw3_comparisons_deduplicate(std::span<const elo_comparison> comparisons,
                                                        const std::string* test_model) {
    std::unordered_set<std::string> seen;
    std::vector<elo_comparison> out;
    out.reserve(comparisons.size());
    for (const auto& c : comparisons) {
        if (test_model != nullptr && c.test_model != *test_model) {
            continue;
        }
        if (c.item_id.empty() || c.test_model.empty() || c.neighbor_model.empty()) {
            out.push_back(c);  // the reference signs these by their JSON text: kept here
            continue;
        }
        const bool test_first =
            std::tie(c.test_model, c.test_iteration) <= std::tie(c.neighbor_model, c.neighbor_iteration);
        const auto& m1 = test_first ? c.test_model : c.neighbor_model;
        const auto& i1 = test_first ? c.test_iteration : c.neighbor_iteration;
        const auto& m2 = test_first ? c.neighbor_model : c.test_model;
        const auto& i2 = test_first ? c.neighbor_iteration : c.test_iteration;
        const auto fraction = python_float_repr(python_round(c.fraction_for_test, dedup_digits));
        if (seen.insert(join_key({c.item_id, m1, i1, m2, i2, fraction})).second) {
            out.push_back(c);
        }
    }
    return out;
}

double cw3_interpolate_elo(double rubric_score, std::span<const std::pair<double, double>> others) {
    constexpr double fallback = 1200.0;  // DEFAULT_ELO
    if (others.size() < 2) {
        return fallback;
    }
    std::vector<std::pair<double, double>> sorted(others.begin(), others.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    if (rubric_score <= sorted.front().first) {
        return sorted.front().second;
    }
    if (rubric_score >= sorted.back().first) {
        return sorted.back().second;
    }
    for (std::size_t i = 0; i + 1 < sorted.size(); ++i) {
        const auto& lower = sorted[i];
        const auto& upper = sorted[i + 1];
        if (lower.first <= rubric_score && rubric_score <= upper.first) {
            if (upper.first == lower.first) {
                return (lower.second + upper.second) / 2.0;
            }
            const double ratio = (rubric_score - lower.first) / (upper.first - lower.first);
            return lower.second + ratio * (upper.second - lower.second);
        }
    }
    return fallback;
}

}  // namespace eqb
