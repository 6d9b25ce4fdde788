// Times FAISS IndexBinaryMultiHash(256, 16, 16) - the index inside Meta's HMA - on the same
// bank and query files as `safeguard bench match`, at the same threshold.
// Usage: multihash_bench BANK_FILE QUERY_FILE [THRESHOLD=31] [SECONDS=3] [MAX_QUERIES=all]
#include <faiss/IndexBinaryHash.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// One 64-digit hex hash per line (blank lines and '#' comments skipped) -> 32 bytes each.
// The byte order is irrelevant to Hamming distance as long as bank and queries agree.
std::vector<uint8_t> read_hashes(const char* path) {
    std::ifstream in(path);
    if (!in) { std::fprintf(stderr, "cannot open %s\n", path); std::exit(2); }
    std::vector<uint8_t> bytes;
    std::string line;
    long line_number = 0;
    while (std::getline(in, line)) {
        line_number++;
        if (line.empty() || line[0] == '#') continue;
        if (line.size() < 64) { std::fprintf(stderr, "%s:%ld: not a PDQ hash\n", path, line_number); std::exit(2); }
        for (int i = 0; i < 32; i++) {
            int hi = hex_digit(line[2 * i]), lo = hex_digit(line[2 * i + 1]);
            if (hi < 0 || lo < 0) { std::fprintf(stderr, "%s:%ld: not a PDQ hash\n", path, line_number); std::exit(2); }
            bytes.push_back(static_cast<uint8_t>(hi * 16 + lo));
        }
    }
    return bytes;
}

long resident_kb() {
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    statm >> size >> resident;
    return resident * 4;
}

// Runs every query once, in batches, and again until `seconds` have passed; returns lookups/s and the
// matches of one pass. At 10M hashes one pass can take minutes: a line on stderr every 10 s says how far it is.
double throughput(const faiss::IndexBinaryMultiHash& index, const std::vector<uint8_t>& queries, int radius,
                  double seconds, const char* label, size_t* matches_per_pass) {
    const size_t nq = queries.size() / 32;
    const size_t batch = 256;
    size_t done = 0, matches = 0;
    double next_report = 10;
    auto start = Clock::now();
    do {
        for (size_t first = 0; first < nq; first += batch) {
            const size_t count = std::min(batch, nq - first);
            faiss::RangeSearchResult result(count);
            index.range_search(count, queries.data() + 32 * first, radius, &result);
            if (done < nq) matches += result.lims[count];
            done += count;
            const double elapsed = seconds_since(start);
            if (elapsed >= next_report) {
                std::fprintf(stderr, "faiss: %s: %zu of %zu queries, %.0f lookups/s\n", label, std::min(done, nq), nq, done / elapsed);
                next_report += 10;
            }
        }
    } while (seconds_since(start) < seconds);
    *matches_per_pass = matches;
    return done / seconds_since(start);
}

// Times the first few queries on one thread and warns up front when the whole run will be long.
void warn_if_long(const faiss::IndexBinaryMultiHash& index, const std::vector<uint8_t>& queries, int radius, int cores) {
    const size_t nq = queries.size() / 32;
    const size_t sample = std::min<size_t>(nq, 64);
    if (sample == 0) return;
    omp_set_num_threads(1);
    auto start = Clock::now();
    faiss::RangeSearchResult result(sample);
    index.range_search(sample, queries.data(), radius, &result);
    const double rate = sample / std::max(seconds_since(start), 1e-6);
    const double one_thread = nq / rate;
    const double total = one_thread * (1.0 + 1.0 / cores);
    if (total > 60)
        std::fprintf(stderr,
                     "faiss: warning: about %.0f lookups/s on one thread here, so one pass over the %zu queries takes about %.0f min "
                     "and the whole run about %.0f min; give MAX_QUERIES (5th argument, e.g. 1000) for a shorter run\n",
                     rate, nq, one_thread / 60, total / 60);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s BANK_FILE QUERY_FILE [THRESHOLD=31] [SECONDS=3] [MAX_QUERIES=all]\n", argv[0]);
        return 2;
    }
    const int threshold = argc > 3 ? std::atoi(argv[3]) : 31;
    const double seconds = argc > 4 ? std::atof(argv[4]) : 3;
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each result line as it is known, also into a pipe or file
    auto start = Clock::now();
    std::vector<uint8_t> bank = read_hashes(argv[1]);
    std::vector<uint8_t> queries = read_hashes(argv[2]);
    if (argc > 5 && std::atol(argv[5]) > 0 && queries.size() > 32 * static_cast<size_t>(std::atol(argv[5])))
        queries.resize(32 * static_cast<size_t>(std::atol(argv[5])));  // the first MAX_QUERIES, for slow runs
    const size_t n = bank.size() / 32;
    std::printf("faiss: bank %zu hashes, %zu queries, threshold %d (read in %.1f s)\n", n, queries.size() / 32,
                threshold, seconds_since(start));

    long rss_before = resident_kb();
    start = Clock::now();
    faiss::IndexBinaryMultiHash index(256, 16, 16);
    // As HMA does: flips per 16-bit map = threshold / 16 keeps the search exact (pigeonhole),
    // and range_search keeps distances strictly below its radius, hence threshold + 1.
    index.nflip = threshold / 16;
    index.add(n, bank.data());
    double build = seconds_since(start);
    long rss_after = resident_kb();
    std::printf("faiss build: %.2f s\n", build);
    std::printf("faiss memory: %.1f bytes/hash resident-set delta\n", (rss_after - rss_before) * 1024.0 / n);

    size_t matches = 0;
    int cores = omp_get_max_threads();
    warn_if_long(index, queries, threshold + 1, cores);
    omp_set_num_threads(1);
    double single = throughput(index, queries, threshold + 1, seconds, "1 thread", &matches);
    std::printf("faiss lookups/s, 1 thread: %.0f (%zu matches per pass over the queries)\n", single, matches);
    omp_set_num_threads(cores);
    double all = throughput(index, queries, threshold + 1, seconds, "all threads", &matches);
    std::printf("faiss lookups/s, %d threads: %.0f\n", cores, all);
    return 0;
}
