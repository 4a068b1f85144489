import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
SOURCE = os.environ.get("LLMCOST_SOURCE_DIR",
                        os.path.dirname(os.path.dirname(os.path.dirname(
                            HERE))))
VECTORS = os.path.join(SOURCE, "tests", "vectors")
