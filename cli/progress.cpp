// Progress bar and log lines.
#include "progress.hpp"

#include <unistd.h>

#include <cmath>
#include <string>

namespace mlp {

ProgressPrinter::ProgressPrinter(bool quiet, Format format)
    : quiet_(quiet), format_(format), terminal_(isatty(STDERR_FILENO) == 1) {}

void ProgressPrinter::operator()(const Progress& p) {
    if (quiet_) return;
    if (format_ == Format::course) return course(p);
    if (terminal_) bar(p);
    if (p.check) line(p);
}

void ProgressPrinter::bar(const Progress& p) {
    const bool end_of_epoch = p.step % p.steps_per_epoch == 0;
    if (p.seconds - last_draw_ < 0.1 && !end_of_epoch && !p.check) return;
    last_draw_ = p.seconds;
    const long total = p.steps_per_epoch * p.epochs;
    const double done = double(p.step) / total;
    const double eta = done > 0 ? p.seconds * (1 - done) / done : 0.0;
    const long in_epoch = (p.step - 1) % p.steps_per_epoch + 1;
    const int width = 24, filled = static_cast<int>(width * double(in_epoch) / p.steps_per_epoch);
    std::string bar(filled, '#');
    bar.append(width - filled, '.');
    std::fprintf(stderr, "\r\033[Kepoch %d/%d [%s] step %ld/%ld  loss %.4f  acc %.2f%%  ETA %.0fs", p.epoch,
                 p.epochs, bar.c_str(), in_epoch, p.steps_per_epoch, p.loss, 100 * p.accuracy, eta);
    std::fflush(stderr);
    drawn_ = true;
}

void ProgressPrinter::line(const Progress& p) {
    const HistoryRow& r = *p.check;
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    std::fprintf(stderr, "epoch %.2f  step %ld  train_loss %.4f  train_acc %.2f%%", r.epoch, r.step, r.train_loss,
                 100 * r.train_acc);
    if (!std::isnan(r.val_loss)) std::fprintf(stderr, "  val_loss %.4f  val_acc %.2f%%", r.val_loss, 100 * r.val_acc);
    std::fprintf(stderr, "  lr %.3g  %.1fs\n", r.lr, r.seconds);
    drawn_ = false;
}

void ProgressPrinter::course(const Progress& p) {
    const long in_epoch = (p.step - 1) % p.steps_per_epoch + 1;
    if (in_epoch % 100 == 0)
        std::fprintf(stderr, "Epoch [%d/%d], Step [%ld/%ld], Loss: %.4f\n", p.epoch, p.epochs, in_epoch,
                     p.steps_per_epoch, p.loss);
    if (p.check && !std::isnan(p.check->val_acc))
        std::fprintf(stderr, "Validation accuracy is: %.2f %%\n", 100 * p.check->val_acc);
}

void ProgressPrinter::finish() {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
}

}  // namespace mlp
