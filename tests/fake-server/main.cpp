// eqbench-fake-server: the fake model server as a process, for tests that
// drive eqbench end to end. Prints "listening on 127.0.0.1:PORT" as its first
// stdout line, serves until SIGINT or SIGTERM.

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/fake-server/fake-server.hpp"

namespace {

constexpr const char* usage_text =
    "usage: eqbench-fake-server [options]\n"
    "  --port N               port on 127.0.0.1 (0, the default: any free one)\n"
    "  --latency-ms N|A-B     reply latency, fixed or uniform in [A, B]\n"
    "  --seed N               seed for latency and fault draws (default 42)\n"
    "  --rate-429 P           probability of a 429 (also --rate-500, --rate-hang,\n"
    "                         --rate-truncated, --rate-empty, --rate-malformed)\n"
    "  --fail-kind KIND       fault for --fail-first/--fail-every: 429, 500, hang,\n"
    "                         truncated, empty, malformed, 401\n"
    "  --fail-first K         the first K requests get --fail-kind\n"
    "  --fail-every N         every Nth request gets --fail-kind\n"
    "  --retry-after VALUE    Retry-After sent with 429 (default 1; \"\" for none)\n"
    "  --hang-s S             how long a hang lasts (default 3)\n"
    "  --hang-after N         after N model requests, accept but never reply\n"
    "  --answers FILE         JSON object: prompt substring -> answer; first match wins\n"
    "  --answer TEXT          the answer when nothing matches\n"
    "  --api-key KEY          require this key (401 otherwise)\n"
    "  --model NAME           the model listed by GET /v1/models\n";

[[noreturn]] void fail(const std::string& message) {
    std::cerr << "eqbench-fake-server: " << message << "\n";
    std::exit(2);
}

double number_arg(const std::string& option, const std::string& value) {
    try {
        std::size_t used = 0;
        const double number = std::stod(value, &used);
        if (used == value.size()) {
            return number;
        }
    } catch (const std::exception&) {
        // Reported below.
    }
    fail(option + " needs a number, got '" + value + "'");
}

long integer_arg(const std::string& option, const std::string& value) {
    try {
        std::size_t used = 0;
        const long number = std::stol(value, &used);
        if (used == value.size()) {
            return number;
        }
    } catch (const std::exception&) {
        // Reported below.
    }
    fail(option + " needs an integer, got '" + value + "'");
}

// Keys in file order: the first matching substring wins.
eqb::test::fake_responder answers_responder(const std::string& path, std::string fallback) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        fail("cannot read " + path);
    }
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto parsed = nlohmann::ordered_json::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
        fail(path + " is not a JSON object");
    }
    std::vector<std::pair<std::string, std::string>> table;
    for (const auto& [key, value] : parsed.items()) {
        if (!value.is_string()) {
            fail(path + ": the answer for '" + key + "' is not a string");
        }
        table.emplace_back(key, value.get<std::string>());
    }
    return [table = std::move(table), fallback = std::move(fallback)](const eqb::test::fake_request& request) {
        for (const auto& [needle, answer] : table) {
            if (request.prompt.find(needle) != std::string::npos) {
                return answer;
            }
        }
        return fallback;
    };
}

}  // namespace

int main(int argc, char** argv) {
    eqb::test::fake_server_config config;
    std::string answers_path;
    const std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& option = args[i];
        if (option == "--help" || option == "-h") {
            std::cout << usage_text;
            return 0;
        }
        if (i + 1 >= args.size()) {
            fail("unknown option or missing value: " + option + "\n" + usage_text);
        }
        const std::string& value = args[++i];
        if (option == "--port") {
            config.port = static_cast<int>(integer_arg(option, value));
        } else if (option == "--latency-ms") {
            const auto dash = value.find('-');
            config.latency_min_ms = static_cast<int>(integer_arg(option, value.substr(0, dash)));
            config.latency_max_ms = dash == std::string::npos
                                        ? config.latency_min_ms
                                        : static_cast<int>(integer_arg(option, value.substr(dash + 1)));
        } else if (option == "--seed") {
            config.seed = static_cast<std::uint64_t>(integer_arg(option, value));
        } else if (option == "--rate-429") {
            config.fault_rates.rate_limited = number_arg(option, value);
        } else if (option == "--rate-500") {
            config.fault_rates.server_error = number_arg(option, value);
        } else if (option == "--rate-hang") {
            config.fault_rates.hang = number_arg(option, value);
        } else if (option == "--rate-truncated") {
            config.fault_rates.truncated = number_arg(option, value);
        } else if (option == "--rate-empty") {
            config.fault_rates.empty_content = number_arg(option, value);
        } else if (option == "--rate-malformed") {
            config.fault_rates.malformed_json = number_arg(option, value);
        } else if (option == "--fail-kind") {
            const auto fault = eqb::test::fake_fault_from_string(value);
            if (!fault) {
                fail("unknown --fail-kind '" + value + "'");
            }
            config.scripted_fault = *fault;
        } else if (option == "--fail-first") {
            config.fail_first = integer_arg(option, value);
        } else if (option == "--fail-every") {
            config.fail_every = integer_arg(option, value);
        } else if (option == "--retry-after") {
            config.retry_after = value;
        } else if (option == "--hang-s") {
            config.hang_s = number_arg(option, value);
        } else if (option == "--hang-after") {
            config.hang_after = integer_arg(option, value);
        } else if (option == "--answers") {
            answers_path = value;
        } else if (option == "--answer") {
            config.default_answer = value;
        } else if (option == "--api-key") {
            config.required_api_key = value;
        } else if (option == "--model") {
            config.model_name = value;
        } else {
            fail("unknown option " + option + "\n" + usage_text);
        }
    }
    if ((config.fail_first > 0 || config.fail_every > 0) && config.scripted_fault == eqb::test::fake_fault::NONE) {
        fail("--fail-first and --fail-every need --fail-kind");
    }
    if (!answers_path.empty()) {
        config.responder = answers_responder(answers_path, config.default_answer);
    }

    // Block the stop signals before any thread starts, so only sigwait sees them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    eqb::test::fake_server server(std::move(config));
    const auto port = server.start();
    if (!port) {
        fail(port.err().message);
    }
    std::cout << "listening on 127.0.0.1:" << *port << std::endl;
    int received = 0;
    sigwait(&stop_signals, &received);
    server.stop();
    return 0;
}
