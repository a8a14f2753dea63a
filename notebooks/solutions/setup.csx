// The solutions' setup cell is the same as the notebooks' (#load "setup.csx"): this forwards to ../setup.csx.
#load "../setup.csx"
