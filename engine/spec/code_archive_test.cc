#include "engine/spec/code_archive.h"

#include <gtest/gtest.h>

#include <fstream>

#include "engine/util/file_io.h"
#include "engine/util/gzip.h"

namespace pd::spec {
namespace {

TEST(CodeArchive, RoundTripsTextAndBinaryFilesByPath) {
  CodeFiles files = {{"workflow.yaml", "name: x\n"},
                     {"nodes/deep/a.ts", "  // indented: yes || no\n"},
                     {"data/blob.bin", std::string("\x00\xff\xfe", 3)}};
  Result<CodeFiles> back = unpack_code_archive(pack_code_archive(files));
  ASSERT_TRUE(back.is_ok()) << back.status().message();
  EXPECT_EQ(back.value(), files);
}

TEST(CodeArchive, RefusesPathsThatLeaveTheFolderAndOtherDocuments) {
  std::string escaping = gzip_compress(
      R"({"format": "pipedreamer-code/v1", "files": {"../etc/passwd": {"text": "x"}}})");
  EXPECT_EQ(unpack_code_archive(escaping).status().message(),
            "pd-code.json.gz: file \"../etc/passwd\" is absolute or leaves the workflow folder");
  EXPECT_NE(unpack_code_archive(gzip_compress("{}")).status().message().find("not a Pipedreamer code archive"),
            std::string::npos);
  EXPECT_NE(unpack_code_archive("not gzip").status().message().find("not valid gzip"), std::string::npos);
}

TEST(UnpackedWorkflowDir, UnpacksAnArchiveOnlyFolderAndLeavesOthersAlone) {
  TempDir mounted("pd-archive-test");
  std::ofstream(mounted.path() / kCodeArchiveName, std::ios::binary)
      << pack_code_archive({{"workflow.yaml", "name: x\n"}, {"nodes/a.ts", "export default 1;\n"}});
  std::filesystem::path unpacked_path;
  {
    Result<UnpackedWorkflowDir> dir = UnpackedWorkflowDir::open(mounted.path());
    ASSERT_TRUE(dir.is_ok()) << dir.status().message();
    unpacked_path = dir.value().path();
    EXPECT_NE(unpacked_path, mounted.path());
    EXPECT_EQ(read_text_file(unpacked_path / "nodes/a.ts").value(), "export default 1;\n");
  }
  EXPECT_FALSE(std::filesystem::exists(unpacked_path));  // removed with the object

  std::ofstream(mounted.path() / "workflow.yaml") << "name: plain\n";
  EXPECT_EQ(UnpackedWorkflowDir::open(mounted.path()).value().path(), mounted.path());
}

}  // namespace
}  // namespace pd::spec
