// Replays a libFuzzer corpus through the fuzz target, each input once: the
// fuzz suite of builds where libFuzzer cannot run (cross builds under
// qemu-user). A violated invariant aborts, as under libFuzzer.
#include <dirent.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size);

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    DIR *d = ::opendir(argv[1]);
    if (!d) {
        std::perror(argv[1]);
        return 1;
    }
    unsigned inputs = 0;
    while (const dirent *e = ::readdir(d)) {
        if (e->d_name[0] == '.')
            continue;
        const std::string path = std::string(argv[1]) + "/" + e->d_name;
        std::FILE *f = std::fopen(path.c_str(), "rb");
        if (!f) {
            std::perror(path.c_str());
            return 1;
        }
        std::vector<std::uint8_t> bytes;
        int c;
        while ((c = std::fgetc(f)) != EOF)
            bytes.push_back(static_cast<std::uint8_t>(c));
        std::fclose(f);
        LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
        inputs++;
    }
    ::closedir(d);
    std::printf("%u corpus inputs replayed\n", inputs);
    if (inputs == 0)
        return 1;
    std::printf("%u passed, 0 failed, 0 skipped\n", inputs);
    return 0;
}
