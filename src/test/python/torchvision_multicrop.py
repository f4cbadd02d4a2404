"""The authors' DINO multi-crop recipe (DataAugmentationDINO) with torchvision's PIL pipeline, timed on one core.

Usage: python3 torchvision_multicrop.py IMAGE_DIR GLOBAL_SIZE LOCAL_SIZE LOCAL_NUMBER
Prints one line: "images/s <value>". Used by MultiCropBenchmark as the comparison baseline.
"""
import os
import random
import sys
import time

import torch
from PIL import Image, ImageFilter, ImageOps
from torchvision import transforms


class GaussianBlur:
    def __init__(self, p, radius_min=0.1, radius_max=2.0):
        self.p, self.radius_min, self.radius_max = p, radius_min, radius_max

    def __call__(self, img):
        if random.random() > self.p:
            return img
        return img.filter(ImageFilter.GaussianBlur(radius=random.uniform(self.radius_min, self.radius_max)))


class Solarization:
    def __init__(self, p):
        self.p = p

    def __call__(self, img):
        return ImageOps.solarize(img) if random.random() < self.p else img


def recipe(global_size, local_size, local_number):
    flip_and_color_jitter = transforms.Compose([
        transforms.RandomHorizontalFlip(p=0.5),
        transforms.RandomApply([transforms.ColorJitter(brightness=0.4, contrast=0.4, saturation=0.2, hue=0.1)], p=0.8),
        transforms.RandomGrayscale(p=0.2),
    ])
    normalize = transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
    ])
    bicubic = transforms.InterpolationMode.BICUBIC
    global1 = transforms.Compose([transforms.RandomResizedCrop(global_size, scale=(0.4, 1.0), interpolation=bicubic),
                                  flip_and_color_jitter, GaussianBlur(1.0), normalize])
    global2 = transforms.Compose([transforms.RandomResizedCrop(global_size, scale=(0.4, 1.0), interpolation=bicubic),
                                  flip_and_color_jitter, GaussianBlur(0.1), Solarization(0.2), normalize])
    local = transforms.Compose([transforms.RandomResizedCrop(local_size, scale=(0.05, 0.4), interpolation=bicubic),
                                flip_and_color_jitter, GaussianBlur(0.5), normalize])

    def apply(image):
        return [global1(image), global2(image)] + [local(image) for _ in range(local_number)]
    return apply


def main():
    directory, global_size, local_size, local_number = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(1)
    random.seed(0)
    torch.manual_seed(0)
    files = sorted(os.path.join(directory, f) for f in os.listdir(directory) if f.endswith(".jpg"))
    augment = recipe(global_size, local_size, local_number)
    for path in files[:10]:
        augment(Image.open(path).convert("RGB"))
    start = time.perf_counter()
    for path in files:
        augment(Image.open(path).convert("RGB"))
    print("images/s %.3f" % (len(files) / (time.perf_counter() - start)))


if __name__ == "__main__":
    main()
