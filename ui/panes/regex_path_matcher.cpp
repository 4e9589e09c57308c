#include "panes/regex_path_matcher.h"

#include <algorithm>

namespace graft::ui {

void RegexPathMatcher::setTree(std::shared_ptr<const FlatTree> tree) {
  if (tree != tree_) joined_ = nullptr;
  tree_ = std::move(tree);
}

void RegexPathMatcher::join(const FlatTree& tree) {
  text_.clear();
  starts_.clear();
  starts_.reserve(tree.size() + 1);
  for (std::uint32_t i = 0; i < tree.size(); ++i) {
    starts_.push_back(text_.size());
    const std::string_view p = tree.lowerPath(i);
    text_ += QString::fromUtf8(p.data(), static_cast<qsizetype>(p.size()));
    text_ += QLatin1Char('\n');
  }
  starts_.push_back(text_.size());
  joined_ = &tree;
}

std::uint32_t RegexPathMatcher::entryAt(qsizetype offset) const {
  const auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  return static_cast<std::uint32_t>(it - starts_.begin() - 1);
}

void RegexPathMatcher::matchAll(const QRegularExpression& re, const FlatTree& tree, std::vector<std::uint8_t>& out) {
  if (joined_ != &tree) join(tree);
  QRegularExpression lines(re.pattern(), re.patternOptions() | QRegularExpression::MultilineOption);
  qsizetype from = 0;
  while (from < text_.size()) {
    // The text was built from valid UTF-8 once; without this flag every call re-validates all of it.
    const QRegularExpressionMatch m =
        lines.match(text_, from, QRegularExpression::NormalMatch, QRegularExpression::DontCheckSubjectStringMatchOption);
    if (!m.hasMatch()) break;
    const std::uint32_t entry = entryAt(m.capturedStart());
    const qsizetype lineEnd = starts_[entry + 1] - 1;  // the '\n'
    if (m.capturedEnd() <= lineEnd) {
      out[entry] = 1;
    } else {
      // The match ran across a line break (the pattern can match '\n'): ask the line alone.
      const QString line = text_.mid(starts_[entry], lineEnd - starts_[entry]);
      out[entry] = re.match(line).hasMatch() ? 1 : 0;
    }
    from = lineEnd + 1;  // one verdict per entry: go on with the next line
  }
}

}  // namespace graft::ui
