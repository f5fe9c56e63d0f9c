#include "data/registry.hpp"

#include <algorithm>
#include <array>

namespace eqb {
namespace {

// The commits pinned in shared/data/SOURCES.md.
constexpr dataset_upstream eq_bench{"EQ-bench", "EQ-Bench", "337df8abdb8f71dfd3bdcc2cc361d40e3cbb245a", "MIT"};
constexpr dataset_upstream eq_bench_jp{"kuroganegames", "EQ-Bench-jp", "499103c6cf3450ed8871172235f6c6cc87bfba52",
                                       "MIT"};
constexpr dataset_upstream eqbench3{"EQ-bench", "eqbench3", "3c21bcc514bd43f93a00a5cf9c630aa3eb73a380", "MIT"};
// The first published Elo file ("eqbench3 1st"): the one the TrueSkill conformance solves.
constexpr dataset_upstream eqbench3_first{"EQ-bench", "eqbench3", "8c3a1255591c55246e8e667e1e62b0eb639f42c3", "MIT"};
// The repository has no licence file at this or any earlier commit; users are told
// when they fetch these files.
constexpr dataset_upstream creative_writing_bench{"EQ-bench", "creative-writing-bench",
                                                  "e7ab00917c96aeae577e3eeea15eba882be9d5e0", ""};

// judgemark_reference.json has no published upstream and the prompts/*.txt
// templates exist upstream only inside code, so neither is fetchable.
constexpr std::array registry_files = std::to_array<dataset_file>({
    {"creative-writing-v3/creative_writing_criteria.txt", creative_writing_bench, "data/creative_writing_criteria.txt",
     "060492be7172cadd26917ee8bf833fee0e34244bf881964e987860af50757766"},
    {"creative-writing-v3/creative_writing_judging_prompt.txt", creative_writing_bench,
     "data/creative_writing_judging_prompt.txt", "650da667804d81f5e2af042502a84c9cbe9d29920ab44d2e6ae05d3b42f573ac"},
    {"creative-writing-v3/creative_writing_prompts_v3.json", creative_writing_bench,
     "data/creative_writing_prompts_v3.json", "87f79b688261318f9182966aa238403aeaa1022f82ffc3ae4d1fe2a48cf1c412"},
    {"creative-writing-v3/negative_criteria.txt", creative_writing_bench, "data/negative_criteria.txt",
     "5a123421b871fbcb1dd3b0c7c0dc4878fedc998fe18b5f58c51dac2324fa7089"},
    {"creative-writing-v3/pairwise_prompt.txt", creative_writing_bench, "data/pairwise_prompt.txt",
     "4c5e42146ad971a4bdb3a5c1a44be8483aa7ee024516a8dcb7405a2c6f19e3c2"},
    {"creative_writing_prompts.json", eq_bench, "data/creative_writing_prompts.json",
     "01550c32dc428609c99ec8088e01cac5cdc845f61a7b25c87944c345d27fa932"},
    {"creative_writing_prompts_v2.2.json", eq_bench, "data/creative_writing_prompts_v2.2.json",
     "7bce84e7081458276a5ec2242d8e9a211624926840f9d9f06305ce92a647b833"},
    {"eq_bench_v1_questions_60.json", eq_bench, "data/eq_bench_v1_questions_60.json",
     "9c52ae21deab827bfc77ac7dacb3b1b7e506b83752441c85aec9903671eac9de"},
    {"eq_bench_v2_questions_171.json", eq_bench, "data/eq_bench_v2_questions_171.json",
     "b4e9bf11df7e88bc12381efab18565f8b0ff0d4743fe8708c4482df91c4e617a"},
    {"eq_bench_v2_questions_171_de.json", eq_bench, "data/eq_bench_v2_questions_171_de.json",
     "0c2c34ef74434a3304aa233ebbd2ea9d3fce875acab41c01cc406977e7bcd804"},
    {"eq_bench_v2_questions_171_ja.json", eq_bench_jp, "data/eq_bench_v2_questions_171_ja.json",
     "00651816551e2e996ac8bc144001d0f5995aee320f480c7c94196dcfea7131dc"},
    {"eq_bench_v2_questions_171_jahalf.json", eq_bench_jp, "data/eq_bench_v2_questions_171_jahalf.json",
     "a62a0b7945b6b41abb77be8270bfbfbdd87d944d702a7d8de73a50df953ed82f"},
    // The licence sits at the repository root, not under data/ as the other eqbench3 files.
    {"eqbench3/LICENSE", eqbench3, "LICENSE", "6406f413f884ffcd5de6c28d77ccc44b62764a6f5fb912de93dee1f0bb2439be"},
    {"eqbench3/canonical_leaderboard_elo_results.json.gz", eqbench3_first,
     "data/canonical_leaderboard_elo_results.json.gz",
     "7857810c465a57e9ad1b799c7152b29e29a9d5adbe61bdacae3d29ca909ace2e"},
    {"eqbench3/debrief_prompt.txt", eqbench3, "data/debrief_prompt.txt",
     "5f63279c27e444b7f8b154a190f9ce10a79d4d9cebb556fae97c70346f52c6fa"},
    {"eqbench3/pairwise_prompt_eqbench3.txt", eqbench3, "data/pairwise_prompt_eqbench3.txt",
     "6b0be4d94f089a53e207ef4d916f078bae72609c9f2a4101e0ee1bb33d83b3fd"},
    {"eqbench3/pairwise_prompt_eqbench3_analysis.txt", eqbench3, "data/pairwise_prompt_eqbench3_analysis.txt",
     "9ad372bc6feac6bdbd5c0e7c6f0adc01c50fcbeff54edd0721d0bbc76f675bf4"},
    {"eqbench3/rubric_scoring_criteria.txt", eqbench3, "data/rubric_scoring_criteria.txt",
     "11fefca1f467bbabfab8618731338aeeb167141c80756bf2d040d000d8318727"},
    {"eqbench3/rubric_scoring_criteria_analysis.txt", eqbench3, "data/rubric_scoring_criteria_analysis.txt",
     "a83e91be22a4233c364c7cd3e611702360af94d045b170b6a88848dabf9d4d21"},
    {"eqbench3/rubric_scoring_prompt.txt", eqbench3, "data/rubric_scoring_prompt.txt",
     "423612b81594601548bf4625ca32c4400637fb3876171a153f3067cbcc0ec939"},
    {"eqbench3/rubric_scoring_prompt_analysis.txt", eqbench3, "data/rubric_scoring_prompt_analysis.txt",
     "78927fbb695c5c5374ce23ce39a1add4033abc5c99870e6be9747368df0e3f96"},
    {"eqbench3/scenario_master_prompt.txt", eqbench3, "data/scenario_master_prompt.txt",
     "8f76e06423fa6110e2afe9e88561b3511fc97a68dcd1aa1a4459c7af6424785c"},
    {"eqbench3/scenario_master_prompt_analysis.txt", eqbench3, "data/scenario_master_prompt_analysis.txt",
     "b5773ced14ab7fc6d96ae1d6a0da981d7797804359a38d4992ad530edb3915e9"},
    {"eqbench3/scenario_master_prompt_message_drafting.txt", eqbench3,
     "data/scenario_master_prompt_message_drafting.txt",
     "719dc595c4fb3127a0347bbd90ceb2af7bdb5f86a0218df3cc51888a31b3f133"},
    {"eqbench3/scenario_notes.txt", eqbench3, "data/scenario_notes.txt",
     "d66a4463bdd45d2a32dac04afcf448346fa4d9cb20e2dbd50c424c86055e2ff9"},
    {"eqbench3/scenario_prompts.txt", eqbench3, "data/scenario_prompts.txt",
     "736f67a8f18ef5bba1f4eca89e60daef1a26ac58c8fea956560726357da39cae"},
    {"instruction-templates/Airoboros-v1.2.yaml", eq_bench, "instruction-templates/Airoboros-v1.2.yaml",
     "dfb744f3f400b1c997fb2b687317d72139461ca2d9ad9c44db869332939be0b6"},
    {"instruction-templates/Alpaca.yaml", eq_bench, "instruction-templates/Alpaca.yaml",
     "e3bc3eea92a5920eef7b61cd6685727356b4112955126231f758ac9639118930"},
    {"instruction-templates/Bactrian.yaml", eq_bench, "instruction-templates/Bactrian.yaml",
     "05da1719cc6426a0aab78e088fe890ff3798eba868e357c4bb8a23f827cb0b5a"},
    {"instruction-templates/Baichuan Chat.yaml", eq_bench, "instruction-templates/Baichuan Chat.yaml",
     "1355c38d5de82a15cd837b02d72349921d058d57a0e377c715caa15af1edb65c"},
    {"instruction-templates/Baize.yaml", eq_bench, "instruction-templates/Baize.yaml",
     "31f8e0bc5f1967d4900085993a83e3f0422181efdbdc584faaa6bf4ed46d115a"},
    {"instruction-templates/Bluemoon.yaml", eq_bench, "instruction-templates/Bluemoon.yaml",
     "7fa20d95113edf1f62ed1f1fee1777f98acb3d84cb49473fc0910a681b0181ce"},
    {"instruction-templates/ChatGLM.yaml", eq_bench, "instruction-templates/ChatGLM.yaml",
     "143c558db62d3c9415695b806c5ba7c26fe0c8a01fc520ca221d3559cbf9aba2"},
    {"instruction-templates/ChatML.yaml", eq_bench, "instruction-templates/ChatML.yaml",
     "2a38000e88e4f9867dfc764638e9c7f83ce200f54af656e45b1fe1c67125f9b1"},
    {"instruction-templates/Chinese-Vicuna-Chat.yaml", eq_bench, "instruction-templates/Chinese-Vicuna-Chat.yaml",
     "06b88c4c61698cc65bf02cd9d95909ca9d2a694cb27a6bcb0229e5297bae442e"},
    {"instruction-templates/Cohere.yaml", eq_bench, "instruction-templates/Cohere.yaml",
     "e9a500a13044a40d95c3da893f7c6ec79e8938a263dd7fe90c23bd3c2785b802"},
    {"instruction-templates/Galactica Cite.yaml", eq_bench, "instruction-templates/Galactica Cite.yaml",
     "1c47eb3bd1602883c0fb578cbec1890d7865df28a322092c0a51e404e7625d90"},
    {"instruction-templates/Galactica Finetuned.yaml", eq_bench, "instruction-templates/Galactica Finetuned.yaml",
     "cae4521da349e66a08dd04c8d016f3ac3da794d81b3e06fa34eb08e05340fe48"},
    {"instruction-templates/Galactica Q.yaml", eq_bench, "instruction-templates/Galactica Q.yaml",
     "4a73b139e7054d0c0494a52552517651d6c667841d65d81d5c8e4a4249e3b720"},
    {"instruction-templates/Galactica Summary.yaml", eq_bench, "instruction-templates/Galactica Summary.yaml",
     "31058abc239cfab8de0695037258640028401094bedb6f1bca4ce7360d85ba1a"},
    {"instruction-templates/Galactica Work.yaml", eq_bench, "instruction-templates/Galactica Work.yaml",
     "72a0ab8dd1591c3c7867ea5abc90de34f43538d41cc5cbf18fc6c4f0ad0e6373"},
    {"instruction-templates/Galactica v2.yaml", eq_bench, "instruction-templates/Galactica v2.yaml",
     "003990b2a8dc8dd00f9a7336920c3df5f6ef79aa0aac01ac773eeb6e53e01262"},
    {"instruction-templates/Galactica.yaml", eq_bench, "instruction-templates/Galactica.yaml",
     "a893d5f4e72387d9081d1a8bc11dfe2fd7d844a9393d94c053315403e6e5fc41"},
    {"instruction-templates/Gorilla.yaml", eq_bench, "instruction-templates/Gorilla.yaml",
     "ac3b4deb69a73c057b350cef733b0c2b1385ebeff146f777f347cb6850f0e977"},
    {"instruction-templates/Guanaco non-chat.yaml", eq_bench, "instruction-templates/Guanaco non-chat.yaml",
     "5e70884682f8bbc2ebab803e01c75266036b7b06acc7f8525a66d04a17ba8de0"},
    {"instruction-templates/Guanaco-QLoRA.yaml", eq_bench, "instruction-templates/Guanaco-QLoRA.yaml",
     "dafdf21e63176b3aa6f65370cd8a8402ff71cdaad82fdf9afac27cb2c00c830b"},
    {"instruction-templates/Guanaco.yaml", eq_bench, "instruction-templates/Guanaco.yaml",
     "153554ddc27a98a1ed2f0ec65800770784cf30441d868dbe18537ac3be0bf809"},
    {"instruction-templates/H2O-human_bot.yaml", eq_bench, "instruction-templates/H2O-human_bot.yaml",
     "9a70e8eaac4e8ba949fdf2e6e3d5799ba039bfd9e48c268560e8521bd4e2e17b"},
    {"instruction-templates/H2O-prompt_answer.yaml", eq_bench, "instruction-templates/H2O-prompt_answer.yaml",
     "e51bd9131f5259acb79f95dfd1387bf89f50031a33db4814c840585b2dc6277c"},
    {"instruction-templates/Hippogriff.yaml", eq_bench, "instruction-templates/Hippogriff.yaml",
     "3aa637f6fab99e533e4afc8d4e9cc93080d1c5aa37cde0c9b749f096ba820040"},
    {"instruction-templates/INCITE-Chat.yaml", eq_bench, "instruction-templates/INCITE-Chat.yaml",
     "9a70e8eaac4e8ba949fdf2e6e3d5799ba039bfd9e48c268560e8521bd4e2e17b"},
    {"instruction-templates/INCITE-Instruct.yaml", eq_bench, "instruction-templates/INCITE-Instruct.yaml",
     "17237cf6fb6d29cc4afc797f6b0a907d41f6f2b4ecfbe61cb4e3b44c981f73ed"},
    {"instruction-templates/KoAlpaca.yaml", eq_bench, "instruction-templates/KoAlpaca.yaml",
     "80e817f449364698a4f679b67ba078b95e4dc408f6db2a91b6aabb22c2eeb8e7"},
    {"instruction-templates/Koala.yaml", eq_bench, "instruction-templates/Koala.yaml",
     "9115356021f196f1fe3cb8cd607c0239223a96591e5a99e2f9f474c2ca1cca8e"},
    {"instruction-templates/LLaVA-v1.yaml", eq_bench, "instruction-templates/LLaVA-v1.yaml",
     "3f3be3f03b1f9b5c490ff3fd4835ccbb2c4370f145786a175933b62b56aa2ff0"},
    {"instruction-templates/LLaVA.yaml", eq_bench, "instruction-templates/LLaVA.yaml",
     "7201660df0b72f5f4c72bef946a3da4b35b4447b90835c10047bdee8871982bd"},
    {"instruction-templates/Llama-v2.yaml", eq_bench, "instruction-templates/Llama-v2.yaml",
     "a63e8dfb1980b7f4ec15e6934afc3222a830f9b7f558f0dfb6a3331ec68a02ef"},
    {"instruction-templates/MOSS.yaml", eq_bench, "instruction-templates/MOSS.yaml",
     "bddc77c860712390cb72d9687e538fa78006a7547be10f2f3b72942c1e34f804"},
    {"instruction-templates/Manticore Chat.yaml", eq_bench, "instruction-templates/Manticore Chat.yaml",
     "4af7fa895dd13888eca05ccb0f796a80904e8680e99dbf66cf714459f5f50155"},
    {"instruction-templates/Metharme.yaml", eq_bench, "instruction-templates/Metharme.yaml",
     "9a862424ba4c06da7ce5defc89e7d3eeb86e948327c596bc755cc66958b9d836"},
    {"instruction-templates/Minotaur.yaml", eq_bench, "instruction-templates/Minotaur.yaml",
     "4af7fa895dd13888eca05ccb0f796a80904e8680e99dbf66cf714459f5f50155"},
    {"instruction-templates/Mistral.yaml", eq_bench, "instruction-templates/Mistral.yaml",
     "9f6bba39af7e491c70797f8cc02c223f91dabb5c916dd677aa64172a1fd81db0"},
    {"instruction-templates/NewHope.yaml", eq_bench, "instruction-templates/NewHope.yaml",
     "2797e7e45d35ea031cc6dac14c7172afadd7555502f5c3db55b25e60a60490d9"},
    {"instruction-templates/Open Assistant.yaml", eq_bench, "instruction-templates/Open Assistant.yaml",
     "f79059c687ced7f3d5eace4a8f92910683aa885653c35a01d23f71f66f1bc533"},
    {"instruction-templates/OpenBuddy.yaml", eq_bench, "instruction-templates/OpenBuddy.yaml",
     "8995c528141cc578b0c17bbdb2d786c455fb0f3925a5c8cdd3b29dd13f0eafef"},
    {"instruction-templates/OpenChat.yaml", eq_bench, "instruction-templates/OpenChat.yaml",
     "793a4a50bea55c1e63cd8858d0dd833277b5b05bb5b359fe1d02e5e7731dc948"},
    {"instruction-templates/OpenOrca-Platypus2.yaml", eq_bench, "instruction-templates/OpenOrca-Platypus2.yaml",
     "344d5921194f31b31cd4d81a5bfa92e554ffa1332687a427fff7b373149b0c4a"},
    {"instruction-templates/Orca Mini.yaml", eq_bench, "instruction-templates/Orca Mini.yaml",
     "4a87e207d2218a284b2a8a085c1eeb6388fc9dcadec9f76010af11311f6bf1c7"},
    {"instruction-templates/RWKV-Raven.yaml", eq_bench, "instruction-templates/RWKV-Raven.yaml",
     "b3cadc9d1d94084e408fc1ba23108601be20abfff214af883c55f1b91e58a795"},
    {"instruction-templates/Samantha.yaml", eq_bench, "instruction-templates/Samantha.yaml",
     "651b6ebd2d949e0878433f2077d5d47f5fb997ad02dd569cc605aef1e77ed008"},
    {"instruction-templates/StableBeluga2.yaml", eq_bench, "instruction-templates/StableBeluga2.yaml",
     "60e529341f52c3299c9a89cec40ae6605d2a41dfa46533c64215e0936fa0c7f5"},
    {"instruction-templates/StableLM.yaml", eq_bench, "instruction-templates/StableLM.yaml",
     "f484fe073061c65eb3dd0fcefb1a070ad0dc1ed77048793a46d1c596c21da072"},
    {"instruction-templates/StableVicuna.yaml", eq_bench, "instruction-templates/StableVicuna.yaml",
     "24facbefbc6be1af403143ae67b72c5c9d30d420a3b2330f7ed08ff65b172b58"},
    {"instruction-templates/Starchat-Beta.yaml", eq_bench, "instruction-templates/Starchat-Beta.yaml",
     "b7c254ba93768ea2e5bc2427fea8ef3a45f77eecbd1ee766dbe3f4b52c210f0b"},
    {"instruction-templates/Tulu.yaml", eq_bench, "instruction-templates/Tulu.yaml",
     "e700e96a0fef524f4a773f8dbe7f437ac7ae6d39030f968509bb61a9f1002679"},
    {"instruction-templates/Vicuna-v0.yaml", eq_bench, "instruction-templates/Vicuna-v0.yaml",
     "153554ddc27a98a1ed2f0ec65800770784cf30441d868dbe18537ac3be0bf809"},
    {"instruction-templates/Vicuna-v1.1.yaml", eq_bench, "instruction-templates/Vicuna-v1.1.yaml",
     "3f3be3f03b1f9b5c490ff3fd4835ccbb2c4370f145786a175933b62b56aa2ff0"},
    {"instruction-templates/Vigogne-Chat.yaml", eq_bench, "instruction-templates/Vigogne-Chat.yaml",
     "e7d70a024979faaad55c2fcee313a8c169b2c11c3a8753baaa6f2fb5e79fbf77"},
    {"instruction-templates/Vigogne-Instruct.yaml", eq_bench, "instruction-templates/Vigogne-Instruct.yaml",
     "c4080ea1ca61f35cdf220be931eacc5c9fca85c7e4d8e7a6766e3ac1bb80fe8e"},
    {"instruction-templates/Wizard-Mega ShareGPT.yaml", eq_bench, "instruction-templates/Wizard-Mega ShareGPT.yaml",
     "67b0c54a0ac9928743d02276d5badc26f0db1f9613bf57f78970b203185ee8a2"},
    {"instruction-templates/Wizard-Mega WizardLM.yaml", eq_bench, "instruction-templates/Wizard-Mega WizardLM.yaml",
     "e3bc3eea92a5920eef7b61cd6685727356b4112955126231f758ac9639118930"},
    {"instruction-templates/Wizard-Mega.yaml", eq_bench, "instruction-templates/Wizard-Mega.yaml",
     "567d36bfc2425ea0da27a098920360ba6be060fa5d2410da7cbbc28ec1c6c79c"},
    {"instruction-templates/Ziya.yaml", eq_bench, "instruction-templates/Ziya.yaml",
     "8b094213e0d71848ad2ecb1e680230daa9d8cb98d4ce96831692a470e6235b5a"},
    {"instruction-templates/gemma2.yaml", eq_bench_jp, "instruction-templates/gemma2.yaml",
     "9ee41690157165a8df54cef40b43731ae38008d50625a19777dc76c48e544428"},
    {"instruction-templates/llama3.yaml", eq_bench_jp, "instruction-templates/llama3.yaml",
     "7ad347b75d3a6b402c39c1fe71424595b423a11a625f4a49d172966870c72a77"},
    {"instruction-templates/llama3swallow.yaml", eq_bench_jp, "instruction-templates/llama3swallow.yaml",
     "9ee41690157165a8df54cef40b43731ae38008d50625a19777dc76c48e544428"},
    {"judgemark_test_set.json", eq_bench, "data/judgemark_test_set.json",
     "77eb8c580e8681a31135b55e936355b0e46d030e4e3cc0b97d0e6ef4ffd1ade9"},
});

// Too large to keep here: the reference's leaderboard data at the pinned commits.
constexpr std::array archive_files = std::to_array<dataset_file>({
    {"eqbench3-leaderboard/canonical_leaderboard_results.json.gz", eqbench3,
     "data/canonical_leaderboard_results.json.gz", "", "e9671a8b089b321b919c7b3374899a9df71e7aa7"},
    {"eqbench3-leaderboard/canonical_leaderboard_elo_results.json.gz", eqbench3,
     "data/canonical_leaderboard_elo_results.json.gz", "", "c51f11c0ec80cecdfa6b14989d7a1114bac9ec3b"},
    {"creative-writing-v3-leaderboard/creative_bench_runs.zip", creative_writing_bench, "creative_bench_runs.zip", "",
     "d8a9b83f3ae838de8f3d835646c4d67beb8d4d65"},
    {"creative-writing-v3-leaderboard/elo_results.zip", creative_writing_bench, "elo_results.zip", "",
     "78f5242475e91f7faf6f00f232ce28d90edece30"},
});

}  // namespace

std::span<const dataset_file> dataset_archives() {
    return archive_files;
}

std::span<const dataset_file> dataset_registry() {
    return registry_files;
}

const dataset_file* dataset_find(std::string_view name) {
    for (const auto& file : registry_files) {
        if (file.name == name) {
            return &file;
        }
    }
    return nullptr;
}

dataset_selection dataset_select(const std::vector<std::string>& names) {
    dataset_selection selection;
    std::vector<const dataset_file*> archives;
    std::vector<bool> chosen(registry_files.size(), names.empty());
    for (const auto& name : names) {
        bool matched = false;
        for (std::size_t i = 0; i < registry_files.size(); ++i) {
            if (registry_files[i].name == name) {
                chosen[i] = true;
                matched = true;
            }
        }
        if (!matched && !name.empty()) {
            for (std::size_t i = 0; i < registry_files.size(); ++i) {
                if (registry_files[i].name.starts_with(name)) {
                    chosen[i] = true;
                    matched = true;
                }
            }
        }
        for (const auto& archive : archive_files) {
            if (!name.empty() && archive.name.starts_with(name + "/")) {
                if (std::find(archives.begin(), archives.end(), &archive) == archives.end()) {
                    archives.push_back(&archive);
                }
                matched = true;
            }
        }
        if (!matched) {
            selection.unknown.push_back(name);
        }
    }
    for (std::size_t i = 0; i < registry_files.size(); ++i) {
        if (chosen[i]) {
            selection.files.push_back(&registry_files[i]);
        }
    }
    selection.files.insert(selection.files.end(), archives.begin(), archives.end());
    return selection;
}

}  // namespace eqb
