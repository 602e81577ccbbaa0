from django.core.management.base import BaseCommand
from PIL import Image, UnidentifiedImageError

from investment.models import ReportPhoto
from investment.rules.photo_facts import perceptual_hash


class Command(BaseCommand):
    help = (
        "为尚无感知哈希的进度照片（迁移0011之前上传的）补算哈希，供“照片重复使用”检查。"
        "拍摄日期无法补：存储的照片已去除EXIF。可重复运行，只处理尚无哈希的照片。"
    )

    def handle(self, *args, **options):
        done = failed = 0
        pending = ReportPhoto.objects.filter(phash__isnull=True).only("pk", "image")
        for photo in pending.iterator(chunk_size=500):
            try:
                with photo.image.open("rb") as stored, Image.open(stored) as image:
                    phash = perceptual_hash(image.convert("RGB"))
            except (OSError, UnidentifiedImageError, ValueError) as error:
                failed += 1
                self.stderr.write(f"照片 {photo.pk}（{photo.image.name}）无法读取：{error}")
                continue
            # An update, not save(): computing a stored photo's hash is no change of the photo,
            # so it leaves no history row on 数据变更记录.
            ReportPhoto.objects.filter(pk=photo.pk).update(phash=phash)
            done += 1
        self.stdout.write(f"已补算{done}张照片的哈希，{failed}张无法读取。")
