#pragma once
// QCPBars for a histogram: touching bins drawn as one stepped shape with an outline. Drawn bar
// by bar, neighbouring rectangles leave hairline seams where their edges round apart, which
// read as gaps in the data; data, legend icon and hit tests stay QCPBars' own.

#include "inspector/qcustomplot_no_keywords.h"

namespace graft::ui {

class HistogramBars : public QCPBars {
 public:
  HistogramBars(QCPAxis* keyAxis, QCPAxis* valueAxis) : QCPBars(keyAxis, valueAxis) {}

 protected:
  void draw(QCPPainter* painter) override;
};

}  // namespace graft::ui
