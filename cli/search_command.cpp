// `mlp search`: runs the trials of a SearchPlan as `mlp train` child processes, up to
// `workers` at a time, each in its own run directory; skips finished trials on resume;
// records failed ones and goes on; writes trials.csv, trials.md and best.toml, and a report
// of the best trials (curves overlaid, summary table) in report/. As the ranks of an MPI job
// (mpirun -np N mlp search ...), every rank runs one trial at a time, taking the next from a
// work queue (Communicator::tasks) as it finishes one, and rank 0 writes the table and
// figures once all are done; what is on disk is the same as the serial search's.
#include <algorithm>
#include <csignal>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "child_process.hpp"
#include "commands.hpp"
#include "config.hpp"
#include "distributed.hpp"
#include "interrupt.hpp"
#include "mlp/error.hpp"
#include "mlp/figures.hpp"
#include "mlp/file.hpp"
#include "run_dir.hpp"
#include "search.hpp"

namespace mlp {
namespace {

struct TrialResult {
    const Trial* trial = nullptr;
    std::string status;  // done | failed | pending
    nlohmann::json metrics;
    std::string error;
    double value = NAN;  // the plan's metric
};

std::string last_line(const std::string& path) {
    if (!file_exists(path)) return "";
    std::istringstream in(read_text(path));
    std::string line, last;
    while (std::getline(in, line))
        if (!line.empty()) last = line;
    return last;
}

// A trial interrupted after a checkpoint continues from it.
bool resumable(const std::string& dir) { return file_exists(checkpoint_path(dir)) && file_exists(dir + "/config.toml"); }

// The `mlp train` arguments of a trial; one interrupted after a checkpoint continues from it.
// Trials skip their own report; the search reports its best trials together.
std::vector<std::string> trial_args(const std::string& config, const std::string& dir, const Trial& t) {
    std::vector<std::string> args = {"train", "--quiet", "--no-report"};
    if (resumable(dir)) {
        args.insert(args.end(), {"--resume", dir});
    } else {
        args.insert(args.end(), {"--config", config, "--out", dir});
        for (const auto& o : t.overrides) args.insert(args.end(), {"--set", o});
    }
    return args;
}

// What a trial's end means: done, interrupted (left pending for a resumed search), or
// failed (recorded in its failed.txt with the last line of its log).
void report_trial(const Trial& t, const std::string& out, const ChildExit& exit, const std::string& prefix) {
    const std::string dir = out + "/" + t.id;
    if (exit.succeeded()) {
        std::printf("%s %s done\n", prefix.c_str(), t.id.c_str());
    } else if (exit.interrupted()) {
        std::printf("%s %s interrupted (left for a resumed search)\n", prefix.c_str(), t.id.c_str());
    } else {
        write_file_atomic(dir + "/failed.txt", last_line(dir + "/train.log") + "\n");
        std::printf("%s %s FAILED: %s\n", prefix.c_str(), t.id.c_str(), last_line(dir + "/train.log").c_str());
    }
    std::fflush(stdout);
}

// Runs the pending trials, `workers` at a time. A trial killed by a signal (Ctrl-C) is
// left pending so a resumed search runs it again; any other failure is recorded. When the
// search itself gets SIGINT or SIGTERM (`stop`), it passes the signal on to the running
// trials, starts no more and waits for them, so no trial outlives the search.
void run_trials(const SearchPlan& plan, const std::vector<const Trial*>& pending, const std::string& config,
                const std::string& out, int workers, const volatile std::sig_atomic_t* stop) {
    ChildProcesses trials(stop);
    std::map<pid_t, const Trial*> running;
    std::size_t next = 0, finished = 0;
    while ((next < pending.size() && !*stop) || trials.running() > 0) {
        while (!*stop && next < pending.size() && static_cast<int>(trials.running()) < workers) {
            const Trial* t = pending[next++];
            const std::string dir = out + "/" + t->id;
            make_directories(dir);
            if (resumable(dir)) std::printf("%s: resuming from its checkpoint\n", t->id.c_str());
            running[trials.start_mlp(trial_args(config, dir, *t), dir + "/train.log")] = t;
        }
        if (trials.running() == 0) break;
        const auto [pid, exit] = trials.wait_any();
        const Trial* t = running.at(pid);
        running.erase(pid);
        ++finished;
        report_trial(*t, out, exit, "[" + std::to_string(finished) + "/" + std::to_string(pending.size()) + "]");
    }
}

// The same as this rank of a job: one trial at a time, the next taken from the job's
// queue when one ends; rank 0 answers the other ranks' requests while its own trial runs.
void run_trials_on_ranks(const std::vector<const Trial*>& pending, const std::string& config, const std::string& out,
                         Communicator& comm, const volatile std::sig_atomic_t* stop) {
    const std::unique_ptr<TaskQueue> queue = comm.tasks(int(pending.size()));
    ChildProcesses trials(stop);
    const std::string rank = "rank " + std::to_string(comm.rank());
    while (!*stop) {
        const int task = queue->take();
        if (task < 0) break;
        const Trial* t = pending[task];
        const std::string dir = out + "/" + t->id;
        make_directories(dir);
        if (resumable(dir)) std::printf("%s: %s: resuming from its checkpoint\n", rank.c_str(), t->id.c_str());
        trials.start_mlp(trial_args(config, dir, *t), dir + "/train.log");
        report_trial(*t, out, trials.wait_any([&] { queue->serve(); }).second, rank + ":");
    }
    queue->leave();
}

TrialResult collect(const SearchPlan& plan, const Trial& t, const std::string& out) {
    TrialResult r;
    r.trial = &t;
    const std::string dir = out + "/" + t.id;
    if (file_exists(dir + "/metrics.json")) {
        r.status = "done";
        r.metrics = nlohmann::json::parse(read_text(dir + "/metrics.json"));
        if (r.metrics.contains(plan.metric) && r.metrics[plan.metric].is_number())
            r.value = r.metrics[plan.metric].get<double>();
    } else if (file_exists(dir + "/failed.txt")) {
        r.status = "failed";
        r.error = last_line(dir + "/failed.txt");
    } else {
        r.status = "pending";
    }
    return r;
}

std::string value_of(const Trial& t, const std::string& key) {
    for (const auto& o : t.overrides)
        if (o.compare(0, key.size() + 1, key + "=") == 0) return o.substr(key.size() + 1);
    return "";
}

std::string number(const nlohmann::json& m, const char* key, int digits) {
    if (!m.contains(key) || !m[key].is_number()) return "";
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", digits, m[key].get<double>());
    return text;
}

constexpr std::size_t kReportedTrials = 5;  // the best trials shown in report/

// "trial-003: lr=0.01, hidden=[64]": the trial's id and the values it sets, by last key part.
std::string trial_label(const SearchPlan& plan, const Trial& t);

// trials.png: the metric of every finished or failed trial, best first (pending ones left out).
void write_trials_figure(const SearchPlan& plan, const std::vector<TrialResult>& rows, const std::string& path,
                         const std::string& stem) {
    std::vector<SearchTrialBar> bars;
    for (const auto& r : rows)
        if (r.status != "pending") bars.push_back({trial_label(plan, *r.trial), r.value});
    if (bars.empty()) return;
    const bool percent = plan.metric.find("accuracy") != std::string::npos;
    write_png(path, search_trials_png(bars, plan.metric, percent, "Search " + stem + ": " + plan.metric + " per trial"));
}

// out/best → the best trial's run directory (a relative symbolic link, replaced atomically).
void link_best(const std::string& out, const std::vector<TrialResult>& rows) {
    if (rows.empty() || std::isnan(rows.front().value)) return;
    const std::string temp = out + "/.best.tmp";
    std::error_code ec;
    std::filesystem::remove(temp, ec);
    std::filesystem::create_directory_symlink(rows.front().trial->id, temp, ec);
    if (!ec) std::filesystem::rename(temp, out + "/best", ec);
    require(!ec, out + "/best: cannot link the best trial (" + ec.message() + ")");
}

std::string trial_label(const SearchPlan& plan, const Trial& t) {
    std::string label = t.id;
    const char* sep = ": ";
    for (const auto& key : plan.keys) {
        std::string v = value_of(t, key);
        v.erase(std::remove(v.begin(), v.end(), '"'), v.end());
        label += sep + key.substr(key.rfind('.') + 1) + "=" + v;
        sep = ", ";
    }
    return label;
}

const char* kColumns[] = {"val_accuracy", "val_loss", "test_accuracy", "train_accuracy", "epochs", "seconds"};

std::string table(const SearchPlan& plan, const std::vector<TrialResult>& rows, bool markdown) {
    std::ostringstream out;
    const char* sep = markdown ? " | " : ",";
    out << (markdown ? "| " : "") << "rank" << sep << "trial" << sep << "status";
    for (const auto& k : plan.keys) out << sep << k;
    for (const char* c : kColumns) out << sep << c;
    out << (markdown ? " |\n" : "\n");
    if (markdown) {
        out << "|";
        for (std::size_t i = 0; i < 3 + plan.keys.size() + std::size(kColumns); ++i) out << "---|";
        out << "\n";
    }
    int rank = 0;
    for (const auto& r : rows) {
        out << (markdown ? "| " : "") << (r.status == "done" ? std::to_string(++rank) : "-") << sep << r.trial->id
            << sep << r.status;
        for (const auto& k : plan.keys) {
            std::string v = value_of(*r.trial, k);
            v.erase(std::remove(v.begin(), v.end(), '"'), v.end());
            if (!markdown && v.find(',') != std::string::npos) v = "\"" + v + "\"";
            out << sep << v;
        }
        for (const char* c : kColumns) out << sep << number(r.metrics, c, std::string(c) == "epochs" ? 0 : 4);
        out << (markdown ? " |\n" : "\n");
    }
    return out.str();
}

}  // namespace

int search_command(const SearchOptions& options) {
    Communicator* const comm = job_ranks(options.comm);
    const bool writer = writes_outputs(comm);
    SearchPlan plan = plan_search(options.config);
    // --max-trials keeps the first N (grid order, or the first N random draws): a quick look.
    if (options.max_trials > 0 && plan.trials.size() > std::size_t(options.max_trials))
        plan.trials.erase(plan.trials.begin() + options.max_trials, plan.trials.end());
    const std::string stem = std::filesystem::path(options.config).stem().string();
    const std::string out = options.out.empty() ? "runs/" + stem + "-search" : options.out;
    // Every trial's config is validated before any runs, so a typo fails in a second.
    for (const auto& t : plan.trials) parse_config(plan.base_config, options.config, t.overrides);
    const std::string config = out + "/" + stem + ".toml";
    std::vector<const Trial*> pending;
    for (const auto& t : plan.trials)
        if (collect(plan, t, out).status == "pending") pending.push_back(&t);
    if (writer) {
        make_directories(out);
        write_file_atomic(config, plan.base_config);
    }
    std::string pending_ids;
    for (const Trial* t : pending) {
        pending_ids += t->id;
        for (const std::string& o : t->overrides) pending_ids += " " + o;
        pending_ids += "\n";
    }
    // Also waits, on every rank, until rank 0 has written the config the trials read.
    require_same_on_all_ranks(comm, {{"the search config", plan.base_config}, {"the trials left to run", pending_ids}});
    const int workers = comm ? comm->size() : options.workers > 0 ? options.workers : plan.workers;
    if (writer)
        std::printf("search %s: %zu trials (%s), %zu to run, %d %s, results in %s\n", stem.c_str(), plan.trials.size(),
                    plan.mode.c_str(), pending.size(), workers, comm ? "ranks, one trial each at a time" :
                    workers == 1 ? "worker" : "workers", out.c_str());
    std::fflush(stdout);
    const volatile std::sig_atomic_t* stop = catch_interrupts();
    if (comm) run_trials_on_ranks(pending, config, out, *comm, stop);
    else run_trials(plan, pending, config, out, workers, stop);
    release_interrupts();
    if (comm) {
        comm->any(false);  // every rank's trials have ended
        if (!writer) return *stop ? 128 + *stop : 0;
    }

    std::vector<TrialResult> rows;
    for (const auto& t : plan.trials) rows.push_back(collect(plan, t, out));
    // Finished trials by the metric (best first), then failed and pending ones.
    std::stable_sort(rows.begin(), rows.end(), [&](const TrialResult& a, const TrialResult& b) {
        const bool av = !std::isnan(a.value), bv = !std::isnan(b.value);
        if (av != bv) return av;
        if (!av) return a.status == "done" && b.status != "done";
        return plan.maximize ? a.value > b.value : a.value < b.value;
    });
    write_file_atomic(out + "/trials.csv", table(plan, rows, false));
    const std::string markdown = table(plan, rows, true);
    write_file_atomic(out + "/trials.md", "# Search " + stem + " (" + plan.mode + ", sorted by " + plan.metric +
                                              (plan.maximize ? ", best first" : ", lowest first") + ")\n\n" + markdown);
    std::printf("\n%s", markdown.c_str());
    if (!rows.empty() && !std::isnan(rows.front().value)) {
        const std::string best_dir = out + "/" + rows.front().trial->id;
        write_file_atomic(out + "/best.toml", read_text(best_dir + "/config.toml"));
        std::printf("\nbest: %s (%s = %.4f); its config: %s/best.toml\n", rows.front().trial->id.c_str(),
                    plan.metric.c_str(), rows.front().value, out.c_str());
    }
    write_trials_figure(plan, rows, out + "/trials.png", stem);
    link_best(out, rows);
    std::vector<std::string> best_dirs, best_labels;
    for (const auto& r : rows)
        if (r.status == "done" && best_dirs.size() < kReportedTrials) {
            best_dirs.push_back(out + "/" + r.trial->id);
            best_labels.push_back(trial_label(plan, *r.trial));
        }
    if (!best_dirs.empty()) {
        try {
            const std::string html = write_run_report(best_dirs, out + "/report", true, best_labels);
            std::printf("report of the best %zu: %s\n", best_dirs.size(), html.c_str());
        } catch (const Error& e) {  // the table above stands; say why the page is missing
            std::fprintf(stderr, "mlp: warning: no search report: %s\n", e.what());
        }
    }
    const long failed = std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.status == "failed"; });
    const long left = std::count_if(rows.begin(), rows.end(), [](const auto& r) { return r.status == "pending"; });
    if (left) std::printf("%ld trials not finished: run the same command again to resume\n", left);
    if (*stop) return 128 + *stop;
    return failed == static_cast<long>(rows.size()) || left ? 1 : 0;
}

}  // namespace mlp
