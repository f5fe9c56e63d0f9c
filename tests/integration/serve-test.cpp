// Local model servers eqbench starts itself: the supervisor on its own (free
// port, health, logs, no process left behind) and `eqbench` batches from a
// config.cfg whose [Local server] command starts the fake server: a normal run,
// a server that hangs after N requests and is restarted, one that never becomes
// healthy, Ctrl-C, -d, and text-generation-webui's launch script.

#include <gtest/gtest.h>
#include <signal.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <fstream>
#include <regex>

#include "serve/hf-cache.hpp"
#include "serve/local-server.hpp"
#include "tests/support/process.hpp"
#include "tests/support/test-support.hpp"

namespace {

namespace fs = std::filesystem;

const char* const replay_file = "Qwen__Qwen-14B-Chat_eqbench_v2_results.json";

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// Whether process `pid` is gone (or a zombie nobody waits for).
bool process_gone(pid_t pid) {
    if (::kill(pid, 0) != 0) {
        return errno == ESRCH;
    }
    const std::string stat = "/proc/" + std::to_string(pid) + "/stat";
    std::ifstream in(stat);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    return close != std::string::npos && close + 2 < text.size() && text[close + 2] == 'Z';
}

bool wait_gone(pid_t pid, double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
        if (process_gone(pid)) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return process_gone(pid);
}

pid_t read_pid(const fs::path& file) {
    return static_cast<pid_t>(std::stol(eqb::test::read_file(file)));
}

eqb::local_server_spec fake_spec(const fs::path& dir, const std::string& extra = "") {
    eqb::local_server_spec spec;
    spec.command = std::string("echo $$ > ") + (dir / "server.pid").string() + "; exec " + EQB_FAKE_SERVER_EXECUTABLE +
                   " --port {port}" + extra;
    spec.log_path = dir / "logs" / "server.log";
    spec.startup_timeout_s = 30.0;
    spec.stop_timeout_s = 2.0;
    return spec;
}

TEST(local_server, starts_on_a_free_port_answers_health_and_stops_without_leftovers) {
    eqb::test::temp_dir dir;
    auto spec = fake_spec(dir.path());
    spec.gpus = "0,1";
    spec.command = "echo \"gpus=$CUDA_VISIBLE_DEVICES\"; " + spec.command;
    eqb::local_server server(spec);
    std::atomic<bool> cancel{false};
    auto started = server.start(cancel);
    ASSERT_TRUE(started) << started.err().message;
    EXPECT_GT(server.port(), 0);
    EXPECT_TRUE(server.healthy(2.0));
    EXPECT_EQ(eqb::local_http_status(server.port(), "/v1/models", 2.0), 200);
    EXPECT_NE(server.command_line().find("--port " + std::to_string(server.port())), std::string::npos);
    const pid_t pid = read_pid(dir.path() / "server.pid");
    EXPECT_EQ(pid, server.process_group());
    server.stop();
    EXPECT_TRUE(wait_gone(pid, 5.0));
    EXPECT_FALSE(server.healthy(0.5));
    const std::string log = eqb::test::read_file(dir.path() / "logs" / "server.log");
    EXPECT_NE(log.find("gpus=0,1"), std::string::npos) << log;
    EXPECT_NE(log.find("listening on 127.0.0.1:"), std::string::npos) << log;
}

TEST(local_server, a_server_that_never_becomes_healthy_is_an_error_with_the_log) {
    eqb::test::temp_dir dir;
    eqb::local_server_spec spec;
    spec.command = "echo $$ > " + (dir.path() / "pid").string() + "; echo loading-forever; exec sleep 60";
    spec.log_path = dir.path() / "server.log";
    spec.startup_timeout_s = 1.0;
    spec.stop_timeout_s = 1.0;
    eqb::local_server server(spec);
    std::atomic<bool> cancel{false};
    auto started = server.start(cancel);
    ASSERT_FALSE(started);
    EXPECT_NE(started.err().message.find("did not answer /health"), std::string::npos) << started.err().message;
    EXPECT_NE(started.err().message.find("startup_timeout"), std::string::npos);
    EXPECT_NE(started.err().message.find("loading-forever"), std::string::npos) << started.err().message;
    EXPECT_TRUE(wait_gone(read_pid(dir.path() / "pid"), 5.0));
}

TEST(local_server, a_server_that_exits_early_says_how_and_shows_its_output) {
    eqb::test::temp_dir dir;
    eqb::local_server_spec spec;
    spec.command = "echo 'error: model file not found' >&2; exit 3";
    spec.log_path = dir.path() / "server.log";
    eqb::local_server server(spec);
    std::atomic<bool> cancel{false};
    auto started = server.start(cancel);
    ASSERT_FALSE(started);
    EXPECT_NE(started.err().message.find("exited with status 3 before it was ready"), std::string::npos)
        << started.err().message;
    EXPECT_NE(started.err().message.find("error: model file not found"), std::string::npos);
}

TEST(local_server, stop_kills_the_whole_group_even_when_sigterm_is_ignored) {
    eqb::test::temp_dir dir;
    auto spec = fake_spec(dir.path());
    // A child that outlives its parent's SIGTERM, and a server ignoring SIGTERM.
    spec.command = "trap '' TERM; sleep 100 & echo $! > " + (dir.path() / "child.pid").string() + "; " + spec.command;
    spec.stop_timeout_s = 0.5;
    eqb::local_server server(spec);
    std::atomic<bool> cancel{false};
    ASSERT_TRUE(server.start(cancel));
    const pid_t child = read_pid(dir.path() / "child.pid");
    const pid_t leader = read_pid(dir.path() / "server.pid");
    EXPECT_FALSE(process_gone(child));
    server.stop();
    EXPECT_TRUE(wait_gone(leader, 5.0));
    EXPECT_TRUE(wait_gone(child, 5.0));
}

TEST(hf_cache, model_ids_map_to_the_hub_layout_and_paths_never_do) {
    const fs::path hub = "/cache/hub";
    EXPECT_EQ(eqb::hf_model_cache_dir(hub, "Qwen/Qwen2-7B-Instruct"), hub / "models--Qwen--Qwen2-7B-Instruct");
    EXPECT_EQ(eqb::hf_model_cache_dir(hub, "gpt2"), hub / "models--gpt2");
    EXPECT_FALSE(eqb::hf_model_cache_dir(hub, "/models/x.gguf"));
    EXPECT_FALSE(eqb::hf_model_cache_dir(hub, "~/models/x"));
    EXPECT_FALSE(eqb::hf_model_cache_dir(hub, "../x/y"));
    EXPECT_FALSE(eqb::hf_model_cache_dir(hub, "a/b/c"));
    EXPECT_FALSE(eqb::hf_model_cache_dir(hub, ""));
    EXPECT_EQ(eqb::hf_hub_cache("/configured"), fs::path("/configured"));
}

// ---- eqbench batches with a supervised server ------------------------------

// A fake-server --answers file: each question's dialogue -> the recorded answer.
void write_answers(const fs::path& path) {
    const auto recorded = nlohmann::ordered_json::parse(
        eqb::test::read_file(eqb::test::shared_dir() / "conformance" / "eq-bench" / replay_file));
    const auto questions =
        nlohmann::ordered_json::parse(eqb::test::read_file(eqb::test::data_dir() / "eq_bench_v2_questions_171.json"));
    nlohmann::ordered_json answers = nlohmann::ordered_json::object();
    for (const auto& [qid, q] : questions.items()) {
        const std::string prompt = q["prompt"].get<std::string>();
        const std::string key = prompt.substr(0, prompt.find("Give each of these possible emotions"));
        const auto& iteration = recorded["iterations"]["1"];
        const auto found = iteration.find(qid);
        answers[key] =
            found != iteration.end() && found->is_string() ? found->get<std::string>() : std::string("no answer");
    }
    write_file(path, answers.dump());
}

double expected_score() {
    return nlohmann::json::parse(eqb::test::read_file(eqb::test::shared_dir() / "conformance" / "eq-bench" /
                                                      replay_file))["expected"]["score"]
        .get<double>();
}

double score_line(const std::string& out) {
    std::smatch m;
    if (!std::regex_search(out, m, std::regex(R"(Score \(v2\): ([0-9.\-]+))"))) {
        return -1e9;
    }
    return std::stod(m[1]);
}

struct batch_setup {
    eqb::test::temp_dir dir;
    fs::path results() const { return dir.path() / "results"; }
    fs::path pid_file() const { return dir.path() / "server.pid"; }

    // config.cfg with a [Local server] command running the fake server.
    void write_config(const std::string& server_args, const std::string& local_extra,
                      const std::string& runs = "r1, ChatML, org/fake-model, , , 1, llama.cpp, ,\n") {
        write_answers(dir.path() / "answers.json");
        write_file(dir.path() / "config.cfg",
                   "[Local server]\ncommand = echo $$ > " + pid_file().string() + "; exec " +
                       EQB_FAKE_SERVER_EXECUTABLE + " --port {port} --answers " +
                       (dir.path() / "answers.json").string() + " " + server_args +
                       "\nhealth_interval = 0.3\nhealth_timeout = 0.5\nstartup_timeout = 20\n" + local_extra +
                       "\n[Benchmarks to run]\n" + runs);
    }
    std::vector<std::string> args(const std::vector<std::string>& extra = {}) const {
        std::vector<std::string> a{"--config",      (dir.path() / "config.cfg").string(),
                                   "--data-dir",    eqb::test::data_dir().string(),
                                   "--results-dir", results().string(),
                                   "--concurrency", "4"};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
    }
};

TEST(serve_batch, a_config_run_starts_the_server_reproduces_the_score_and_stops_it) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json", "instruction-templates/ChatML.yaml");
    batch_setup s;
    // llama.cpp's /completion, and the transformers engine's /v1/completions
    // (a server command instead of vLLM), both with the ChatML template.
    s.write_config("", "",
                   "r1, ChatML, org/fake-model, , , 1, llama.cpp, ,\n"
                   "r2, ChatML, org/fake-model, , , 1, transformers, ,\n");
    // No command word: the reference's command line.
    const auto out = eqb::test::eqbench_run(s.args({"-l", "en", "--benchmarks", "eq-bench"}), s.dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    const std::regex score_re(R"(Score \(v2\): ([0-9.\-]+))");
    std::vector<double> scores;
    for (auto it = std::sregex_iterator(out.out.begin(), out.out.end(), score_re); it != std::sregex_iterator(); ++it) {
        scores.push_back(std::stod((*it)[1]));
    }
    EXPECT_EQ(scores, (std::vector<double>{expected_score(), expected_score()})) << out.out;
    EXPECT_NE(out.out.find("Running benchmark 2 of 2"), std::string::npos);
    EXPECT_NE(out.out.find("Server ready on port"), std::string::npos);
    EXPECT_NE(out.out.find("Batch completed"), std::string::npos);
    EXPECT_TRUE(wait_gone(read_pid(s.pid_file()), 5.0)) << "the server outlived the run";
    EXPECT_TRUE(fs::exists(s.results() / "logs" / "server-r1.log"));
    EXPECT_TRUE(fs::exists(s.results() / "logs" / "server-r2.log"));
    const std::string csv = eqb::test::read_file(s.results() / "benchmark_results.csv");
    EXPECT_NE(csv.find("r1,"), std::string::npos) << csv;
    EXPECT_NE(csv.find("r2,"), std::string::npos) << csv;
    EXPECT_EQ(csv.find("FAILED"), std::string::npos) << csv;
    // The raw results carry the reference's run keys.
    const auto raw = nlohmann::json::parse(eqb::test::read_file(s.results() / "raw_results.json"));
    EXPECT_TRUE(raw.contains("r1--v2--en--org/fake-model----ChatML----llama.cpp----")) << raw.dump().substr(0, 300);
    EXPECT_TRUE(raw.contains("r2--v2--en--org/fake-model----ChatML----transformers----"));
}

TEST(serve_batch, a_server_that_hangs_is_restarted_and_the_run_carries_on_from_the_store) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json", "instruction-templates/ChatML.yaml");
    batch_setup s;
    s.write_config("--hang-after 60", "max_restarts = 5");
    const auto out = eqb::test::eqbench_run(s.args(), s.dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_NE(out.out.find("stopped answering its health check; restarting it (1 of 5)"), std::string::npos) << out.out;
    EXPECT_EQ(score_line(out.out), expected_score()) << out.out;
    EXPECT_TRUE(wait_gone(read_pid(s.pid_file()), 5.0));
}

TEST(serve_batch, a_server_that_dies_is_restarted_and_the_run_completes) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json", "instruction-templates/ChatML.yaml");
    batch_setup s;
    write_answers(s.dir.path() / "answers.json");
    // The server process is killed 1.5 s after each start (a crash mid-run).
    write_file(s.dir.path() / "config.cfg",
               "[Local server]\ncommand = " + std::string(EQB_FAKE_SERVER_EXECUTABLE) + " --port {port} --answers " +
                   (s.dir.path() / "answers.json").string() +
                   " --latency-ms 50 & sleep 1.5; kill $!; wait\nmax_restarts = 10\nhealth_interval = 0.3\n\n"
                   "[Benchmarks to run]\nr1, ChatML, org/fake-model, , , 1, llama.cpp, ,\n");
    const auto out = eqb::test::eqbench_run(s.args(), s.dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_NE(out.out.find("The model server exited with status"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("restarting it (1 of 10)"), std::string::npos) << out.out;
    EXPECT_EQ(score_line(out.out), expected_score()) << out.out;
}

TEST(serve_batch, giving_up_after_the_restarts_fails_the_run_with_the_log_tail_and_the_batch_goes_on) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json", "instruction-templates/ChatML.yaml");
    batch_setup s;
    s.write_config(
        "--hang-after 5", "max_restarts = 1",
        "r1, ChatML, org/fake-model, , , 1, llama.cpp, ,\nr2, ChatML, org/fake-model, , , 1, llama.cpp, ,\n");
    const auto out = eqb::test::eqbench_run(s.args({"-r", "0"}), s.dir.path());
    EXPECT_EQ(out.exit_code, 1) << out.out << out.err;
    EXPECT_NE(out.err.find("gave up after 1 restarts"), std::string::npos) << out.err;
    EXPECT_NE(out.err.find("last lines of the server log"), std::string::npos) << out.err;
    EXPECT_NE(out.out.find("Running benchmark 2 of 2"), std::string::npos) << out.out;
    EXPECT_NE(out.out.find("Batch completed"), std::string::npos);
    const std::string csv = eqb::test::read_file(s.results() / "benchmark_results.csv");
    EXPECT_NE(csv.find("r1,"), std::string::npos);
    EXPECT_NE(csv.find("r2,"), std::string::npos);
    EXPECT_NE(csv.find("FAILED"), std::string::npos);
}

TEST(serve_batch, a_server_that_never_becomes_healthy_fails_the_run_clearly) {
    EQB_SKIP_UNLESS_DATA("instruction-templates/ChatML.yaml");
    batch_setup s;
    write_file(s.dir.path() / "config.cfg",
               "[Local server]\ncommand = echo $$ > " + s.pid_file().string() +
                   "; echo still-loading; exec sleep 60\nstartup_timeout = 1\n\n[Benchmarks to run]\n"
                   "r1, ChatML, org/fake-model, , , 1, llama.cpp, ,\n");
    const auto out = eqb::test::eqbench_run(s.args(), s.dir.path(), {}, 60.0);
    EXPECT_EQ(out.exit_code, 1) << out.out << out.err;
    EXPECT_NE(out.err.find("the model server did not start"), std::string::npos) << out.err;
    EXPECT_NE(out.err.find("within 1 s (startup_timeout in [Local server])"), std::string::npos) << out.err;
    EXPECT_NE(out.err.find("still-loading"), std::string::npos) << out.err;
    EXPECT_EQ(out.out.find("Retrying"), std::string::npos) << "a server that will not start is not retried";
    EXPECT_TRUE(wait_gone(read_pid(s.pid_file()), 5.0));
    const std::string csv = eqb::test::read_file(s.results() / "benchmark_results.csv");
    EXPECT_NE(csv.find("FAILED"), std::string::npos);
}

TEST(serve_batch, ctrl_c_stops_the_run_and_leaves_no_server_process_behind) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json", "instruction-templates/ChatML.yaml");
    batch_setup s;
    s.write_config("--latency-ms 200", "");
    eqb::test::child_process child(eqb::test::eqbench_command(s.args()), {}, s.dir.path());
    // Wait until the server is up and answering.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!fs::exists(s.results() / "eqbench.db") || !fs::exists(s.pid_file())) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const pid_t server = read_pid(s.pid_file());
    EXPECT_FALSE(process_gone(server));
    child.signal(SIGINT);
    const auto out = child.wait(60.0);
    EXPECT_EQ(out.exit_code, 130) << out.out << out.err;
    EXPECT_NE(out.err.find("run the same command again to resume"), std::string::npos) << out.err;
    EXPECT_TRUE(wait_gone(server, 5.0));
    // Nothing is left in the server's process group.
    EXPECT_NE(::kill(-server, 0), 0);
}

TEST(serve_batch, minus_d_deletes_what_the_server_downloaded_and_nothing_else) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json", "instruction-templates/ChatML.yaml");
    batch_setup s;
    const fs::path hub = s.dir.path() / "hub";
    const fs::path downloaded = hub / "models--org--fake-model";
    const fs::path kept = hub / "models--org--already-here";
    write_file(kept / "blobs" / "x", "pre-existing");
    const fs::path local_model = s.dir.path() / "local-model";
    write_file(local_model / "model.gguf", "weights");
    write_answers(s.dir.path() / "answers.json");
    // The "server" downloads into the hub cache it is given (HF_HUB_CACHE), then serves.
    write_file(s.dir.path() / "config.cfg",
               "[Huggingface]\ncache_dir = " + hub.string() +
                   "\n\n[Local server]\ncommand = case {model} in org/fake-model) mkdir -p "
                   "\"$HF_HUB_CACHE/models--org--fake-model/blobs\" && echo w > "
                   "\"$HF_HUB_CACHE/models--org--fake-model/blobs/w\";; esac; exec " +
                   EQB_FAKE_SERVER_EXECUTABLE + " --port {port} --answers " + (s.dir.path() / "answers.json").string() +
                   "\n\n[Benchmarks to run]\n"
                   "a, ChatML, org/fake-model, , , 1, llama.cpp, ,\n"
                   "b, ChatML, org/already-here, , , 1, llama.cpp, ,\n"
                   "c, ChatML, " +
                   local_model.string() + ", , , 1, llama.cpp, ,\n");
    const auto out = eqb::test::eqbench_run(s.args({"-d"}), s.dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_NE(out.out.find("Deleted the downloaded model files: " + downloaded.string()), std::string::npos) << out.out;
    EXPECT_FALSE(fs::exists(downloaded));
    EXPECT_TRUE(fs::exists(kept / "blobs" / "x"));
    EXPECT_TRUE(fs::exists(local_model / "model.gguf"));
}

TEST(serve_batch, ooba_is_launched_with_its_script_model_folder_and_params) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json", "instruction-templates/ChatML.yaml");
    batch_setup s;
    write_answers(s.dir.path() / "answers.json");
    const fs::path model = s.dir.path() / "models" / "my-model";
    fs::create_directories(model);
    // A stand-in for text-generation-webui's start_linux.sh: logs its arguments
    // and serves the API on --api-port.
    const fs::path script = s.dir.path() / "webui" / "start_linux.sh";
    write_file(script,
               "#!/bin/bash\necho \"args: $*\"\nport=5000\nwhile [ $# -gt 0 ]; do\n"
               "  if [ \"$1\" = --api-port ]; then port=$2; fi\n  shift\ndone\nexec " +
                   std::string(EQB_FAKE_SERVER_EXECUTABLE) + " --port $port --answers " +
                   (s.dir.path() / "answers.json").string() + "\n");
    write_file(s.dir.path() / "config.cfg",
               "[Options]\ntrust_remote_code = true\n\n[Oobabooga config]\nooba_launch_script = " + script.string() +
                   "\nooba_params_global = --loader llama.cpp\nautomatically_launch_ooba = true\n\n"
                   "[Benchmarks to run]\nweb, ChatML, " +
                   model.string() + ", , , 1, ooba, --n-gpu-layers -1 --tensor_split 1,3,\n");
    const auto out = eqb::test::eqbench_run(s.args(), s.dir.path());
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(score_line(out.out), expected_score()) << out.out;
    const std::string log = eqb::test::read_file(s.results() / "logs" / "server-web.log");
    EXPECT_NE(log.find("args: --model my-model --model-dir " + model.parent_path().string() +
                       " --trust-remote-code --api --api-port "),
              std::string::npos)
        << log;
    EXPECT_NE(log.find("--n-gpu-layers -1 --tensor_split 1,3"), std::string::npos) << log;
}

TEST(serve_batch, ooba_gets_hugging_face_models_downloaded_first_and_minus_d_removes_them) {
    EQB_SKIP_UNLESS_SHARED(std::string("conformance/eq-bench/") + replay_file);
    EQB_SKIP_UNLESS_DATA("eq_bench_v2_questions_171.json", "instruction-templates/ChatML.yaml");
    batch_setup s;
    write_answers(s.dir.path() / "answers.json");
    const fs::path hub = s.dir.path() / "hub";
    // A stand-in huggingface-cli: records its arguments, "downloads" into the
    // cache and prints the snapshot folder, as the real one does.
    const fs::path bin = s.dir.path() / "bin";
    write_file(bin / "huggingface-cli",
               "#!/bin/sh\necho \"$*\" > " + (s.dir.path() / "hf-args.txt").string() +
                   "\ncache=\nwhile [ $# -gt 0 ]; do [ \"$1\" = --cache-dir ] && cache=$2; shift; done\n"
                   "snap=\"$cache/models--org--web-model/snapshots/abc123\"\nmkdir -p \"$snap\"\n"
                   "echo 'Fetching 2 files'\necho \"$snap\"\n");
    fs::permissions(bin / "huggingface-cli", fs::perms::owner_all);
    const fs::path script = s.dir.path() / "webui" / "start_linux.sh";
    write_file(script,
               "#!/bin/bash\necho \"args: $*\"\nport=5000\nwhile [ $# -gt 0 ]; do\n"
               "  if [ \"$1\" = --api-port ]; then port=$2; fi\n  shift\ndone\nexec " +
                   std::string(EQB_FAKE_SERVER_EXECUTABLE) + " --port $port --answers " +
                   (s.dir.path() / "answers.json").string() + "\n");
    write_file(s.dir.path() / "config.cfg",
               "[Huggingface]\ncache_dir = " + hub.string() +
                   "\n\n[Oobabooga config]\nooba_launch_script = " + script.string() +
                   "\n\n[Benchmarks to run]\n"
                   "web, ChatML, org/web-model, , , 1, ooba, , --include [\"*.gguf\", \"*.json\"]\n");
    const char* path = std::getenv("PATH");
    const auto out = eqb::test::eqbench_run(
        s.args({"-d"}), s.dir.path(), {{"PATH", bin.string() + ":" + (path != nullptr ? path : "/usr/bin:/bin")}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    EXPECT_EQ(eqb::test::read_file(s.dir.path() / "hf-args.txt"),
              "download org/web-model --include *.gguf --include *.json --cache-dir " + hub.string() + "\n");
    const std::string log = eqb::test::read_file(s.results() / "logs" / "server-web.log");
    EXPECT_NE(log.find("args: --model abc123 --model-dir " + (hub / "models--org--web-model" / "snapshots").string() +
                       " --api --api-port "),
              std::string::npos)
        << log;
    EXPECT_FALSE(fs::exists(hub / "models--org--web-model")) << out.out;
}

TEST(serve_batch, dry_run_prints_the_plan_for_the_reference_command_line_and_sends_nothing) {
    EQB_SKIP_UNLESS_DATA("instruction-templates/ChatML.yaml");
    batch_setup s;
    write_file(s.dir.path() / "config.cfg",
               "[Benchmarks to run]\nr1, ChatML, org/m, , 4bit, 2, llama.cpp, ,\n"
               "r2, , llama3:8b, , , 1, openai, ,\n");
    const auto out = eqb::test::eqbench_run({"--config", (s.dir.path() / "config.cfg").string(), "--data-dir",
                                             eqb::test::data_dir().string(), "-l", "jahalf", "--benchmarks", "eq-bench",
                                             "--dry-run", "--serve-cmd", "srv -m {model} --port {port}", "--gpus", "1"},
                                            s.dir.path(), {{"OPENAI_API_KEY", ""}});
    ASSERT_EQ(out.exit_code, 0) << out.out << out.err;
    const auto plan = nlohmann::json::parse(out.out);
    ASSERT_EQ(plan["runs"].size(), 2u);
    const auto& r1 = plan["runs"][0];
    EXPECT_EQ(r1["language"], "jahalf");
    EXPECT_EQ(r1["iterations"], 2);
    EXPECT_EQ(r1["quantization"], "4bit");
    EXPECT_EQ(r1["server"]["command"], "srv -m org/m --port {port}");
    EXPECT_EQ(r1["server"]["gpus"], "1");
    EXPECT_EQ(plan["runs"][1]["model"], "llama3:8b");
    EXPECT_FALSE(plan["runs"][1]["unavailable"].is_null());  // no key: shown, not fatal to a dry run
    EXPECT_FALSE(fs::exists(s.results()));
}

}  // namespace
