from django.contrib import admin

from .models import KeyCounty, Region, ResettlementSite


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "is_current")
    search_fields = ("code", "name")
    list_filter = ("level", "is_current")


admin.site.register(KeyCounty)
admin.site.register(ResettlementSite)
